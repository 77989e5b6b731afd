#!/bin/bash
# demo.sh: a local end-to-end demo of the webhook, without Kubernetes.
#
# Builds the webhook, starts the bundled PowerDNS (pdns-image/entrypoint.sh) on the host with an
# example zone, starts the webhook with API keys read from files, then plays cert-manager: two
# Present calls (apex and wildcard of one certificate share _acme-challenge.<domain>), a DNS
# query showing both TXT values, two CleanUp calls, and a query showing NXDOMAIN. Every step is
# checked; a failure exits non-zero with the ends of the logs. Everything started is stopped
# and the temporary directory removed at exit, unless --keep-running is given.
#
# Usage: ./demo.sh [--keep-running]
# Needs: Debian 12 (or later) with the .NET 10 SDK; missing Debian packages are installed
# with apt-get, which needs root.
set -euo pipefail

readonly GROUP_NAME=acme.example.test
readonly SOLVER_NAME=pdns
readonly ZONE=intranet.example.test
readonly DOMAIN=qa.svc.cluster-01.$ZONE
readonly FQDN=_acme-challenge.$DOMAIN.
# Where cert-manager would find the Secret: <namespace>/<secret name>/<key> under --secrets-dir.
readonly NAMESPACE=cert-manager SECRET_NAME=pdns-api-key SECRET_KEY=api-key

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here

keep_running=false
work=""             # temporary directory: database, config, secrets, logs, request bodies
api_key=""          # PowerDNS API key: only ever in files (mode 600) and in entrypoint.sh's environment
pdns_pid="" webhook_pid=""
pdns_log="" webhook_log=""

# pdns_server and pdnsutil are in /usr/sbin, which the PATH of a non-root user may lack.
PATH=$PATH:/usr/sbin:/sbin
# Every URL here is on loopback: keep a proxy from the environment out of the way (curl and .NET both honour these).
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
fail() {
  printf 'demo.sh: FAILED: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n 's/^# Usage: /usage: /p' "$0"
}

# --- processes -----------------------------------------------------------------------------

# True while PID runs. `kill -0` is not enough: our exited children stay zombies until reaped.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }   # the state follows the command name, which is in parentheses
  [[ ${stat%% *} != Z ]]
}

# Stops a child: TERM, up to 5 s to exit, then KILL, then reap it.
stop() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    running "$pid" || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Prints the last lines of a log, with the API key masked in case something ever echoes it.
show_log() { # NAME FILE
  [[ -s $2 ]] || return 0
  printf -- '--- last lines of the %s log (%s) ---\n' "$1" "$2" >&2
  if [[ -n $api_key ]]; then
    tail -n 25 "$2" | sed "s/$api_key/<api-key>/g" >&2
  else
    tail -n 25 "$2" >&2
  fi
}

# Stops what the demo started and removes its files; safe to call twice.
stop_all() {
  [[ -z $webhook_pid ]] || stop "$webhook_pid"
  [[ -z $pdns_pid ]] || stop "$pdns_pid"
  [[ -z $work ]] || rm -rf "$work"
  webhook_pid="" pdns_pid="" work=""
}

# The EXIT trap: on failure (or interruption) show the logs, then clean up.
on_exit() {
  local rc=$?
  ((rc != 0)) || return 0   # success: main has cleaned up, or --keep-running keeps it all
  show_log PowerDNS "$pdns_log"
  show_log webhook "$webhook_log"
  stop_all
  printf 'demo.sh: stopped what it started; exit status %d\n' "$rc" >&2
}

# Polls COMMAND until it succeeds, failing at the deadline or as soon as PID has exited.
wait_until() { # WHAT PID SECONDS COMMAND...
  local what=$1 pid=$2 seconds=$3
  local deadline=$((SECONDS + seconds))
  shift 3
  until "$@" >/dev/null 2>&1; do
    running "$pid" || fail "$what: the process (pid $pid) exited"
    ((SECONDS < deadline)) || fail "$what: not ready within $seconds s"
    sleep 0.2   # poll interval; readiness itself is the check above
  done
}

# --- setup ---------------------------------------------------------------------------------

# Installs what a fresh Debian lacks. python3 picks free ports and reads JSON.
ensure_packages() {
  local missing=() pair
  # COMMAND:PACKAGE; the SQLite backend is a library, so dpkg is asked about that one.
  for pair in pdns_server:pdns-server sqlite3:sqlite3 dig:dnsutils curl:curl python3:python3 openssl:openssl; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [[ $(dpkg-query -W -f='${Status}' pdns-backend-sqlite3 2>/dev/null) == "install ok installed" ]] ||
    missing+=(pdns-backend-sqlite3)
  command -v dotnet >/dev/null || fail "dotnet not found: install the .NET 10 SDK first"
  if ((${#missing[@]} == 0)); then
    step "Packages: all present"
    return
  fi
  ((EUID == 0)) || fail "missing packages ${missing[*]}: run as root, or apt-get install them"
  step "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install failed"
  if [[ " ${missing[*]} " == *" pdns-server "* ]]; then
    info "note: Debian may have started its own pdns service on port 53; this demo does not use it"
    info "      ('systemctl disable --now pdns' stops it)"
  fi
}

build_webhook() {
  step "Building the webhook (dotnet build src/Webhook -c Release)"
  local log=$work/build.log
  # --disable-build-servers: leave no MSBuild or compiler server running after the demo.
  if ! dotnet build "$here/src/Webhook" -c Release -nologo -v quiet --disable-build-servers >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "dotnet build failed"
  fi
  # Ask MSBuild where the assembly went rather than guessing bin/ paths.
  webhook_dll=$(dotnet msbuild "$here/src/Webhook" -nologo -p:Configuration=Release -getProperty:TargetPath)
  [[ -f $webhook_dll ]] || fail "the build output $webhook_dll does not exist"
  info "built $webhook_dll"
}

# Prints N ports free on 127.0.0.1, distinct (all are held open until all are chosen). The
# first is free for UDP too, for the DNS listener. Another process could still take one
# before we bind it; then a start fails with the log shown.
free_ports() { # N
  python3 - "$1" <<'EOF'
import socket, sys
held, ports = [], []
while len(ports) < int(sys.argv[1]):
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    held.append(tcp)
    port = tcp.getsockname()[1]
    if not ports:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(("127.0.0.1", port))
        except OSError:
            continue
        held.append(udp)
    ports.append(port)
print(*ports)
EOF
}

# 32 random bytes as unpadded base64url: 43 characters, the shape of an ACME DNS-01 key.
random_key() {
  head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='
}

write_zone() {
  cat >"$work/zones/$ZONE.zone" <<EOF
; The empty delegated challenge zone: only _acme-challenge TXT records appear here.
; SOA minimum 10: resolvers forget an NXDOMAIN for a challenge name after 10 s.
\$ORIGIN $ZONE.
\$TTL 60
@  60 IN SOA ns1.example.test. hostmaster.example.test. ( 1 3600 600 604800 10 )
@  60 IN NS  ns1.example.test.
EOF
}

# The key in Secret-like files: the webhook's --secrets-dir layout, and a curl header file
# (curl -H @file), so the key never appears on a command line.
write_secrets() {
  local dir=$work/secrets/$NAMESPACE/$SECRET_NAME
  (
    umask 077
    mkdir -p "$dir"
    printf '%s' "$api_key" >"$dir/$SECRET_KEY"
    printf 'X-API-Key: %s\n' "$api_key" >"$work/pdns-api-key.header"
  )
  chmod 600 "$dir/$SECRET_KEY" "$work/pdns-api-key.header"
}

pdns_api() { # PATH
  curl -fsS --max-time 5 -H @"$work/pdns-api-key.header" "$pdns_url$1"
}

# The process execs down to pdns_server, so $! is pdns_server's PID. setsid keeps it out of the
# terminal's signals, so --keep-running survives a closed terminal; the EXIT trap stops it.
start_pdns() {
  step "Starting PowerDNS (pdns-image/entrypoint.sh): DNS on 127.0.0.1:$dns_port, API on $pdns_url"
  mkdir -p "$work/zones"
  write_zone
  (
    # Only the settings below reach the entrypoint, not PDNS_* variables the caller may have
    # set; the key goes through the environment, not the command line (entrypoint.sh unsets it).
    unset "${!PDNS_@}"
    export PDNS_API_KEY=$api_key \
      PDNS_DATA_DIR=$work/data PDNS_ZONES_DIR=$work/zones PDNS_CONFIG_DIR=$work/run \
      PDNS_LOCAL_ADDRESS=127.0.0.1 PDNS_DNS_PORT=$dns_port \
      PDNS_API_ADDRESS=127.0.0.1 PDNS_API_PORT=$pdns_api_port PDNS_WEBSERVER_ALLOW_FROM=127.0.0.0/8
    exec setsid "$here/pdns-image/entrypoint.sh" </dev/null >"$pdns_log" 2>&1
  ) &
  pdns_pid=$!
  wait_until "PowerDNS API" "$pdns_pid" 20 pdns_api "/api/v1/servers/localhost/zones/$ZONE."
  wait_until "PowerDNS DNS" "$pdns_pid" 10 dns_has_soa
  local version
  version=$(pdns_api /api/v1/servers/localhost | json_get version)
  info "PowerDNS $version is up (pid $pdns_pid); zone $ZONE. served with its SOA"
}

dns_has_soa() {
  [[ -n $(dig +short +time=1 +tries=1 -p "$dns_port" @127.0.0.1 SOA "$ZONE.") ]]
}

# The PKI kube-apiserver and cert-manager would give the webhook: a serving CA and certificate, and a
# front-proxy CA whose client certificate (CN front-proxy-client) lets the caller assert a user in
# X-Remote-User, as the aggregator does.
make_pki() {
  step "Making a serving certificate and a front-proxy client certificate (openssl)"
  local pki=$work/pki
  mkdir -p "$pki"
  ca() { # NAME
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=$1" \
      -keyout "$pki/$1.key" -out "$pki/$1.crt" 2>/dev/null
  }
  issue() { # CA NAME SUBJECT EXTENSIONS
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$3" -keyout "$pki/$2.key" -out "$pki/$2.csr" 2>/dev/null
    openssl x509 -req -in "$pki/$2.csr" -CA "$pki/$1.crt" -CAkey "$pki/$1.key" -CAcreateserial -days 1 \
      -extfile <(printf '%s\n' "$4") -out "$pki/$2.crt" 2>/dev/null
  }
  ca serving-ca
  issue serving-ca serving "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
  ca front-proxy-ca
  issue front-proxy-ca front-proxy-client "/CN=front-proxy-client" "extendedKeyUsage=clientAuth"
  chmod 600 "$pki"/*.key
  write_aggregator_curl
  info "serving certificate for localhost and 127.0.0.1; client certificate CN=front-proxy-client"
}

# curl as kube-apiserver's aggregator: verifies the serving certificate, presents the front-proxy
# certificate, and says for whom it acts. A script in $work, so --keep-running users can call it too.
write_aggregator_curl() {
  cat >"$work/curl-as-aggregator" <<EOF
#!/bin/sh
exec curl --cacert "$work/pki/serving-ca.crt" --cert "$work/pki/front-proxy-client.crt" --key "$work/pki/front-proxy-client.key" \\
  -H "X-Remote-User: system:serviceaccount:cert-manager:cert-manager" -H "X-Remote-Group: system:serviceaccounts" "\$@"
EOF
  chmod 700 "$work/curl-as-aggregator"
}

webhook_curl() {
  "$work/curl-as-aggregator" "$@"
}

start_webhook() {
  step "Starting the webhook on $webhook_url (group $GROUP_NAME, API keys from $work/secrets)"
  # setsid: see start_pdns. `dotnet app.dll` runs in this process, so $! is the webhook's PID.
  # AllowAuthenticated: no kube-apiserver here to ask SubjectAccessReviews; the front-proxy CA is the trust boundary.
  setsid dotnet "$webhook_dll" --group-name "$GROUP_NAME" --secrets-dir "$work/secrets" \
    --secure-port "$webhook_port" --bind-address 127.0.0.1 \
    --tls-cert-file "$work/pki/serving.crt" --tls-private-key-file "$work/pki/serving.key" \
    --requestheader-client-ca-file "$work/pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --authorization-mode AllowAuthenticated </dev/null >"$webhook_log" 2>&1 &
  webhook_pid=$!
  wait_until "webhook /readyz" "$webhook_pid" 30 curl -fsS --max-time 2 --cacert "$work/pki/serving-ca.crt" "$webhook_url/readyz"
  info "webhook is up (pid $webhook_pid): GET /readyz answered 200 over TLS"
  local anonymous
  anonymous=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$work/pki/serving-ca.crt" -H 'Content-Type: application/json' \
    --data-binary '{}' "$solver_url")
  [[ $anonymous == 403 ]] || fail "a caller without the front-proxy certificate got HTTP $anonymous, not 403"
  info "a caller without the front-proxy certificate is refused: HTTP $anonymous"
}

# --- the demo ------------------------------------------------------------------------------

# Reads a JSON document on stdin and prints the field at a dotted PATH ("" when absent).
json_get() { # PATH
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for name in sys.argv[1].split("."):
    value = value.get(name) if isinstance(value, dict) else None
print("" if value is None else json.dumps(value) if not isinstance(value, str) else value)
' "$1"
}

# The ChallengePayload cert-manager POSTs for one challenge (no apiVersion/kind: it sends only
# the request). cert-manager strips "*." from dnsName, so apex and wildcard send the same one.
write_body() { # ACTION KEY FILE
  cat >"$3" <<EOF
{"request":{"uid":"","action":"$1","type":"dns-01","dnsName":"$DOMAIN","key":"$2","resourceNamespace":"$NAMESPACE","resolvedFQDN":"$FQDN","resolvedZone":"$ZONE.","allowAmbientCredentials":false,"config":{"host":"$pdns_url","apiKeySecretRef":{"name":"$SECRET_NAME","key":"$SECRET_KEY"}}}}
EOF
}

# POSTs one Present or CleanUp as cert-manager would and checks response.success is true.
solve() { # ACTION KEY LABEL
  local action=$1 key=$2 label=$3
  local body=$work/${action,,}-$label.json response=$work/${action,,}-$label.response.json code success
  write_body "$action" "$key" "$body"
  code=$(webhook_curl -sS --max-time 35 -o "$response" -w '%{http_code}' \
    -H 'Content-Type: application/json' --data-binary @"$body" "$solver_url") \
    || fail "$action ($label): POST $solver_url failed"
  [[ $code == 2?? ]] || fail "$action ($label): HTTP $code: $(cat "$response")"
  success=$(json_get response.success <"$response")
  info "$action ($label key): HTTP $code, response.success=$success"
  [[ $success == true ]] || fail "$action ($label): success is not true: $(json_get response.status.message <"$response")"
}

dig_txt() {
  dig +short +time=2 +tries=1 -p "$dns_port" @127.0.0.1 TXT "$FQDN"
}

dig_status() {
  dig +noall +comments +time=2 +tries=1 -p "$dns_port" @127.0.0.1 TXT "$FQDN" |
    sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# Checks that DNS serves exactly the given TXT values (in any order), printing them.
expect_txt() { # KEY...
  local served expected=("$@") value
  served=$(dig_txt) || fail "no DNS answer from 127.0.0.1:$dns_port"
  info "dig +short -p $dns_port @127.0.0.1 TXT $FQDN"
  if [[ -z $served ]]; then
    info "  (no answer)"
  else
    while IFS= read -r value; do info "  $value"; done <<<"$served"
  fi
  for value in "${expected[@]}"; do
    grep -qxF "\"$value\"" <<<"$served" || fail "DNS does not serve the TXT value $value"
  done
  (($(grep -c . <<<"$served") == ${#expected[@]})) ||
    fail "DNS serves $(grep -c . <<<"$served") TXT values, expected ${#expected[@]}"
}

expect_nxdomain() {
  local status
  status=$(dig_status) || fail "no DNS answer from 127.0.0.1:$dns_port"
  info "dig -p $dns_port @127.0.0.1 TXT $FQDN: status $status"
  [[ $status == NXDOMAIN ]] || fail "expected NXDOMAIN for $FQDN, got '${status:-no answer}'"
}

keep_running_help() {
  cat <<EOF

PowerDNS (pid $pdns_pid) and the webhook (pid $webhook_pid) keep running. To poke at them:

  # Present or CleanUp, exactly as cert-manager does through kube-apiserver (bodies in $work):
  $work/curl-as-aggregator -sS -H 'Content-Type: application/json' --data-binary @$work/present-apex.json $solver_url
  $work/curl-as-aggregator -sS -H 'Content-Type: application/json' --data-binary @$work/cleanup-apex.json $solver_url
  # Without the front-proxy certificate the solver answers 403:
  curl -sS --cacert $work/pki/serving-ca.crt -H 'Content-Type: application/json' --data-binary @$work/present-apex.json $solver_url

  # What DNS serves:
  dig +short -p $dns_port @127.0.0.1 TXT $FQDN
  dig -p $dns_port @127.0.0.1 TXT $FQDN

  # The zone through the PowerDNS API (the key is in a curl header file):
  curl -sS -H @$work/pdns-api-key.header $pdns_url/api/v1/servers/localhost/zones/$ZONE.

  # Logs:
  tail -f $pdns_log $webhook_log

  # Stop everything:
  kill $webhook_pid $pdns_pid; rm -rf $work
EOF
}

main() {
  case ${1:-} in
    "") ;;
    --keep-running) keep_running=true ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  (($# <= 1)) || { usage >&2; exit 2; }

  trap on_exit EXIT
  # Exit on Ctrl-C and kill, so that the EXIT trap cleans up.
  trap 'echo "demo.sh: interrupted" >&2; exit 130' INT
  trap 'echo "demo.sh: terminated" >&2; exit 143' TERM

  ensure_packages
  work=$(mktemp -d "${TMPDIR:-/tmp}/pdns-webhook-demo.XXXXXX")
  pdns_log=$work/pdns.log
  webhook_log=$work/webhook.log
  build_webhook

  local ports
  ports=$(free_ports 3)
  read -r dns_port pdns_api_port webhook_port <<<"$ports"
  pdns_url=http://127.0.0.1:$pdns_api_port
  webhook_url=https://127.0.0.1:$webhook_port
  solver_url=$webhook_url/apis/$GROUP_NAME/v1alpha1/$SOLVER_NAME
  api_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')   # hex: safe in sed and headers
  write_secrets

  start_pdns
  make_pki
  start_webhook

  local apex wildcard
  apex=$(random_key)
  wildcard=$(random_key)

  step "Before: $FQDN does not exist"
  # This NXDOMAIN is now in PowerDNS's caches (5 s): the answers below must not be stale.
  expect_nxdomain

  step "Present: two keys on one name (apex and wildcard of one certificate)"
  info "POST $solver_url"
  solve Present "$apex" apex
  solve Present "$wildcard" wildcard

  step "DNS serves both values"
  expect_txt "$apex" "$wildcard"

  step "CleanUp of the apex key removes only that key"
  solve CleanUp "$apex" apex
  expect_txt "$wildcard"

  step "CleanUp of the wildcard key removes the last value, and with it the name"
  solve CleanUp "$wildcard" wildcard
  expect_nxdomain

  if [[ $keep_running == true ]]; then
    keep_running_help
  else
    step "Stopping the webhook (pid $webhook_pid) and PowerDNS (pid $pdns_pid); removing $work"
    stop_all
  fi
  step "Demo passed in $SECONDS s"
}

main "$@"
