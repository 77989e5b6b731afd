#!/bin/bash
# demo.sh: a real wildcard certificate from a local ACME CA, solved through the webhook's HTTPS API.
#
# Installs what it needs (PowerDNS's image recipe: a Debian trixie root file system with PowerDNS 4.9.18; Pebble, a
# test ACME CA; dehydrated, the ACME client of the design this product grew from), then starts:
#   - the bundled PowerDNS, by the image's own entrypoint, serving an example challenge zone;
#   - Pebble, validating DNS-01 against that PowerDNS;
#   - the webhook server, on HTTPS, accepting only callers with a front-proxy client certificate;
# and orders ONE certificate for *.qa.svc.cluster-01.intranet.example.test and its apex. dehydrated's DNS-01 hook is
# the webhook executable in hook mode with --via: it sends cert-manager's exact ChallengePayload to the server, as
# kube-apiserver would, and the server writes the TXT records into PowerDNS. Shows the TXT values while they are up,
# the certificate's subject, SANs and issuer (verified against Pebble's root), and NXDOMAIN after cleanup. Every step is
# checked; a failure exits non-zero with the ends of the logs. Everything started is stopped and the temporary files
# removed at exit, unless --keep-running is given.
#
# Usage: ./demo.sh [--keep-running]
# Needs: Debian 12 (or later), root (apt-get, and chroot into the image's root file system), the .NET 10 SDK.
set -euo pipefail

readonly GROUP_NAME=acme.example.test
readonly ZONE=intranet.example.test
readonly DOMAIN=qa.svc.cluster-01.$ZONE
readonly FQDN=_acme-challenge.$DOMAIN.
# Where cert-manager would find the Secret: <namespace>/<secret name>/<key> under --secrets-dir.
readonly NAMESPACE=cert-manager SECRET_NAME=pdns-api-key SECRET_KEY=api-key
readonly ROOTFS=/var/cache/pdns-webhook/trixie-rootfs

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here

keep_running=false
work=""             # temporary directory: config, secrets, PKI, logs, dehydrated's files
pdns_dir=""         # PowerDNS's directory, inside the image's root file system (/tmp/<name> as PowerDNS sees it)
api_key=""          # PowerDNS API key: only ever in files of mode 600
pdns_pid="" pebble_pid="" webhook_pid=""
pdns_log="" pebble_log="" webhook_log=""

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
  [[ -z $pebble_pid ]] || stop "$pebble_pid"
  [[ -z $pdns_pid ]] || stop "$pdns_pid"
  [[ -z $pdns_dir ]] || rm -rf "$pdns_dir"
  [[ -z $work ]] || rm -rf "$work"
  webhook_pid="" pebble_pid="" pdns_pid="" pdns_dir="" work=""
}

# The EXIT trap: on failure (or interruption) show the logs, then clean up.
on_exit() {
  local rc=$?
  ((rc != 0)) || return 0   # success: main has cleaned up, or --keep-running keeps it all
  show_log PowerDNS "$pdns_log"
  show_log Pebble "$pebble_log"
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

# Installs what a fresh Debian lacks (python3 picks free ports and reads JSON), then the image's root file system.
ensure_packages() {
  local missing=() pair
  ((EUID == 0)) || fail "run as root: packages are installed with apt-get, and PowerDNS runs in the image's root file system (chroot)"
  command -v dotnet >/dev/null || fail "dotnet not found: install the .NET 10 SDK first"
  # COMMAND:PACKAGE
  for pair in debootstrap:debootstrap pebble:pebble dehydrated:dehydrated dig:bind9-dnsutils curl:curl \
    python3:python3 openssl:openssl; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  if ((${#missing[@]} == 0)); then
    step "Packages: all present"
  else
    step "Installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install failed"
  fi
  step "Preparing the bundled PowerDNS image's root file system (pdns-image/rootfs.sh; about a minute the first time)"
  local log
  log=$(mktemp)
  "$here/pdns-image/rootfs.sh" "$ROOTFS" >"$log" 2>&1 || { tail -n 30 "$log" >&2; rm -f "$log"; fail "pdns-image/rootfs.sh failed"; }
  info "$(tail -n 1 "$log")"
  rm -f "$log"
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
  python3 - "$1" <<'PY'
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
PY
}

# 32 random bytes as unpadded base64url: 43 characters, the shape of an ACME DNS-01 key.
random_key() {
  head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='
}

write_zone() { # DIR
  cat >"$1/$ZONE.zone" <<EOF
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
}

pdns_api() { # PATH
  curl -fsS --max-time 5 -H @"$work/pdns-api-key.header" "$pdns_url$1"
}

# The image's entrypoint in the image's root file system, as user pdns (the image's USER), with a clean environment of
# only the settings below. chroot and env exec, and the entrypoint execs pdns_server, so $! is pdns_server's PID. setsid keeps it out of the terminal's signals, so
# --keep-running survives a closed terminal; the EXIT trap stops it.
start_pdns() {
  step "Starting the bundled PowerDNS (the image's entrypoint, in its root file system): DNS on 127.0.0.1:$dns_port, API on $pdns_url"
  local name owner
  name=pdns-webhook-demo-$$-$RANDOM
  pdns_dir=$ROOTFS/tmp/$name
  mkdir -p "$pdns_dir/zones"
  write_zone "$pdns_dir/zones"
  owner=$(awk -F: '$1 == "pdns" { print $3 ":" $4 }' "$ROOTFS/etc/passwd")
  [[ -n $owner ]] || fail "the root file system $ROOTFS has no user pdns"
  # The key as a mounted Secret would give it: a file only PowerDNS's user can read.
  (umask 077 && printf '%s' "$api_key" >"$pdns_dir/api-key")
  chown -R "$owner" "$pdns_dir"
  (
    exec setsid chroot --userspec="$owner" "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin PDNS_API_KEY_FILE="/tmp/$name/api-key" \
      PDNS_DATA_DIR="/tmp/$name/data" PDNS_ZONES_DIR="/tmp/$name/zones" PDNS_CONFIG_DIR="/tmp/$name/run" \
      PDNS_LOCAL_ADDRESS=127.0.0.1 PDNS_DNS_PORT="$dns_port" \
      PDNS_API_ADDRESS=127.0.0.1 PDNS_API_PORT="$pdns_api_port" PDNS_WEBSERVER_ALLOW_FROM=127.0.0.0/8 \
      /bin/bash /pdns-image/entrypoint.sh </dev/null >"$pdns_log" 2>&1
  ) &
  pdns_pid=$!
  wait_until "PowerDNS API" "$pdns_pid" 30 pdns_api "/api/v1/servers/localhost/zones/$ZONE."
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
# X-Remote-User, as the aggregator does. Pebble's HTTPS listener gets a certificate from the serving CA too.
make_pki() {
  step "Making TLS certificates: serving certificates for the webhook and Pebble, a front-proxy client certificate (openssl)"
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
  local serving="subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
  ca serving-ca
  issue serving-ca serving "/CN=localhost" "$serving"
  issue serving-ca pebble "/CN=localhost" "$serving"
  ca front-proxy-ca
  issue front-proxy-ca front-proxy-client "/CN=front-proxy-client" "extendedKeyUsage=clientAuth"
  chmod 600 "$pki"/*.key
  write_aggregator_curl
  info "serving certificates for localhost and 127.0.0.1; client certificate CN=front-proxy-client"
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

# Pebble: no validation sleeps, no authorization reuse (so DNS-01 really runs), no deliberately rejected nonces
# (dehydrated does not retry them). "-strict=false", never "-strict false": Go would drop every later flag.
start_pebble() {
  step "Starting Pebble (a test ACME CA) on $acme_url, validating DNS-01 against 127.0.0.1:$dns_port"
  cat >"$work/pebble.json" <<EOF
{"pebble": {"listenAddress": "127.0.0.1:$pebble_port", "managementListenAddress": "127.0.0.1:$pebble_management_port",
  "certificate": "$work/pki/pebble.crt", "privateKey": "$work/pki/pebble.key", "httpPort": 5002, "tlsPort": 5001,
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
EOF
  PEBBLE_VA_NOSLEEP=1 PEBBLE_AUTHZREUSE=0 PEBBLE_WFE_NONCEREJECT=0 setsid pebble -config "$work/pebble.json" \
    -dnsserver "127.0.0.1:$dns_port" -strict=false </dev/null >"$pebble_log" 2>&1 &
  pebble_pid=$!
  wait_until "Pebble" "$pebble_pid" 20 curl -fsS --max-time 2 --cacert "$work/pki/serving-ca.crt" "$acme_url"
  # Pebble makes a new root at every start: what the certificate must chain to.
  curl -fsS --cacert "$work/pki/serving-ca.crt" "https://127.0.0.1:$pebble_management_port/roots/0" >"$work/pebble-root.pem" ||
    fail "could not read Pebble's root certificate"
  info "Pebble is up (pid $pebble_pid); it issues under $(openssl x509 -in "$work/pebble-root.pem" -noout -subject)"
}

start_webhook() {
  step "Starting the webhook on $webhook_url (group $GROUP_NAME, API keys from $work/secrets)"
  # setsid: see start_pdns. `dotnet app.dll` runs in this process, so $! is the webhook's PID.
  # AllowAuthenticated: no kube-apiserver here to ask SubjectAccessReviews; the front-proxy CA is the trust boundary.
  setsid dotnet "$webhook_dll" --group-name "$GROUP_NAME" --secrets-dir "$work/secrets" \
    --secure-port "$webhook_port" --bind-address 127.0.0.1 \
    --tls-cert-file "$work/pki/serving.crt" --tls-private-key-file "$work/pki/serving.key" \
    --requestheader-client-ca-file "$work/pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --authorization-mode AllowAuthenticated --log-format text </dev/null >"$webhook_log" 2>&1 &
  webhook_pid=$!
  wait_until "webhook /readyz" "$webhook_pid" 30 curl -fsS --max-time 2 --cacert "$work/pki/serving-ca.crt" "$webhook_url/readyz"
  info "webhook is up (pid $webhook_pid): GET /readyz answered 200 over TLS"
  local anonymous
  anonymous=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$work/pki/serving-ca.crt" -H 'Content-Type: application/json' \
    --data-binary '{}' "$solver_url")
  [[ $anonymous == 403 ]] || fail "a caller without the front-proxy certificate got HTTP $anonymous, not 403"
  info "a caller without the front-proxy certificate is refused: HTTP $anonymous"
}

# --- the order -----------------------------------------------------------------------------

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

# dehydrated's DNS-01 hook: the webhook executable in hook mode, sending each Present and CleanUp to the server as
# cert-manager does through kube-apiserver; the Issuer config is the one a ClusterIssuer would carry. Once the values
# are up it shows what DNS serves (dehydrated then asks Pebble to validate).
write_hook() {
  cat >"$work/issuer-config.json" <<EOF
{"host": "$pdns_url", "apiKeySecretRef": {"name": "$SECRET_NAME", "key": "$SECRET_KEY"}}
EOF
  cat >"$work/hook.sh" <<EOF
#!/bin/bash
PDNS_WEBHOOK_CONFIG=$work/issuer-config.json dotnet "$webhook_dll" "\$@" --via "$webhook_url" \\
  --client-cert "$work/pki/front-proxy-client.crt" --client-key "$work/pki/front-proxy-client.key" \\
  --ca-file "$work/pki/serving-ca.crt" --group-name "$GROUP_NAME" --namespace "$NAMESPACE" || exit
if [[ \$1 == deploy_challenge ]]; then
  echo "    dig +short -p $dns_port @127.0.0.1 TXT $FQDN (both values up, before validation):"
  dig +short +time=2 +tries=1 -p "$dns_port" @127.0.0.1 TXT "$FQDN" | tee "$work/served-while-up" | sed 's/^/      /'
fi
EOF
  chmod 700 "$work/hook.sh"
  mkdir -p "$work/dehydrated"
  cat >"$work/dehydrated.conf" <<EOF
CA=$acme_url
CHALLENGETYPE=dns-01
HOOK=$work/hook.sh
HOOK_CHAIN=yes
BASEDIR=$work/dehydrated
EOF
}

order_certificate() {
  step "Ordering one certificate for *.$DOMAIN and $DOMAIN (dehydrated; hook: pdns-webhook --via $webhook_url)"
  write_hook
  export CURL_CA_BUNDLE=$work/pki/serving-ca.crt   # dehydrated's curl must trust Pebble's listener
  dehydrated --config "$work/dehydrated.conf" --register --accept-terms >"$work/register.log" 2>&1 ||
    { cat "$work/register.log" >&2; fail "dehydrated could not register an account with Pebble"; }
  dehydrated --config "$work/dehydrated.conf" --cron -d "$DOMAIN" -d "*.$DOMAIN" 2>&1 | sed 's/^/    /'
  ((PIPESTATUS[0] == 0)) || fail "dehydrated did not get the certificate"
  [[ -s $work/served-while-up && $(grep -c . "$work/served-while-up") == 2 ]] || fail "DNS did not serve both TXT values at once"
  certificate=$work/dehydrated/certs/$DOMAIN/cert.pem
  chain=$work/dehydrated/certs/$DOMAIN/chain.pem
  [[ -s $certificate ]] || fail "no certificate at $certificate"
}

show_certificate() {
  step "The certificate"
  openssl x509 -in "$certificate" -noout -subject -issuer -ext subjectAltName -enddate | sed 's/^/    /'
  local sans
  sans=$(openssl x509 -in "$certificate" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
  [[ $sans == "DNS:$DOMAIN,DNS:*.$DOMAIN" || $sans == "DNS:*.$DOMAIN,DNS:$DOMAIN" ]] ||
    fail "the certificate's SANs are '$sans', not exactly $DOMAIN and *.$DOMAIN"
  openssl verify -CAfile "$work/pebble-root.pem" -untrusted "$chain" "$certificate" | sed 's/^/    openssl verify against Pebble'"'"'s root: /'
  ((PIPESTATUS[0] == 0)) || fail "the certificate does not chain to Pebble's root"
}

dig_status() {
  dig +noall +comments +time=2 +tries=1 -p "$dns_port" @127.0.0.1 TXT "$FQDN" |
    sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

expect_nxdomain() {
  local status
  status=$(dig_status) || fail "no DNS answer from 127.0.0.1:$dns_port"
  info "dig -p $dns_port @127.0.0.1 TXT $FQDN: status $status"
  [[ $status == NXDOMAIN ]] || fail "expected NXDOMAIN for $FQDN, got '${status:-no answer}'"
}

# A request body for poking at the server by hand (--keep-running): cert-manager's ChallengePayload for one key.
write_body() { # ACTION KEY FILE
  cat >"$3" <<EOF
{"request":{"uid":"","action":"$1","type":"dns-01","dnsName":"$DOMAIN","key":"$2","resourceNamespace":"$NAMESPACE","resolvedFQDN":"$FQDN","resolvedZone":"$ZONE.","allowAmbientCredentials":false,"config":{"host":"$pdns_url","apiKeySecretRef":{"name":"$SECRET_NAME","key":"$SECRET_KEY"}}}}
EOF
}

keep_running_help() {
  local key
  key=$(random_key)
  write_body Present "$key" "$work/present.json"
  write_body CleanUp "$key" "$work/cleanup.json"
  cat <<EOF

PowerDNS (pid $pdns_pid), Pebble (pid $pebble_pid) and the webhook (pid $webhook_pid) keep running. To poke at them:

  # Another certificate (the same account; --force renews although this one is fresh):
  CURL_CA_BUNDLE=$work/pki/serving-ca.crt dehydrated --config $work/dehydrated.conf --cron --force -d $DOMAIN -d '*.$DOMAIN'

  # Present or CleanUp, exactly as cert-manager does through kube-apiserver:
  $work/curl-as-aggregator -sS -H 'Content-Type: application/json' --data-binary @$work/present.json $solver_url
  $work/curl-as-aggregator -sS -H 'Content-Type: application/json' --data-binary @$work/cleanup.json $solver_url
  # Without the front-proxy certificate the solver answers 403:
  curl -sS --cacert $work/pki/serving-ca.crt -H 'Content-Type: application/json' --data-binary @$work/present.json $solver_url

  # What DNS serves:
  dig +short -p $dns_port @127.0.0.1 TXT $FQDN

  # The zone through the PowerDNS API (the key is in a curl header file):
  curl -sS -H @$work/pdns-api-key.header $pdns_url/api/v1/servers/localhost/zones/$ZONE.

  # Logs:
  tail -f $pdns_log $pebble_log $webhook_log

  # Stop everything:
  kill $webhook_pid $pebble_pid $pdns_pid; rm -rf $work $pdns_dir
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
  local started=$SECONDS
  work=$(mktemp -d "${TMPDIR:-/tmp}/pdns-webhook-demo.XXXXXX")
  pdns_log=$work/pdns.log
  pebble_log=$work/pebble.log
  webhook_log=$work/webhook.log
  build_webhook

  local ports
  ports=$(free_ports 5)
  read -r dns_port pdns_api_port webhook_port pebble_port pebble_management_port <<<"$ports"
  pdns_url=http://127.0.0.1:$pdns_api_port
  webhook_url=https://127.0.0.1:$webhook_port
  solver_url=$webhook_url/apis/$GROUP_NAME/v1alpha1/pdns
  acme_url=https://127.0.0.1:$pebble_port/dir
  api_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')   # hex: safe in sed and headers
  write_secrets

  start_pdns
  make_pki
  start_pebble
  start_webhook

  step "Before: $FQDN does not exist"
  expect_nxdomain

  order_certificate
  show_certificate

  step "After: the hook's CleanUp took both values down, and with them the name"
  expect_nxdomain

  if [[ $keep_running == true ]]; then
    keep_running_help
  else
    step "Stopping the webhook (pid $webhook_pid), Pebble (pid $pebble_pid) and PowerDNS (pid $pdns_pid); removing $work"
    stop_all
  fi
  step "Demo passed in $((SECONDS - started)) s (after packages and the root file system)"
}

main "$@"
