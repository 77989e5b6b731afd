#!/usr/bin/env bash
# demo.sh: a real wildcard certificate from a local ACME CA, solved through the webhook's HTTPS API. It starts, on
# 127.0.0.1 and free ports, the bundled PowerDNS 4.9.18 (the image's entrypoint in its trixie root file system), Pebble
# (a test ACME CA) validating DNS-01 against it, and the webhook server on HTTPS, accepting only callers with a
# front-proxy client certificate as kube-apiserver's aggregator has. dehydrated then orders ONE certificate for
# *.qa.svc.cluster-01.intranet.example.test and its apex; its hook is the webhook executable with --via, which sends
# cert-manager's exact request to the server. Shows both TXT values while up, the certificate (SANs, verified against
# Pebble's root) and NXDOMAIN after. Every step is checked: a failure exits non-zero with the ends of the logs.
# Everything started is stopped and the temporary files removed at exit, unless --keep-running is given.
# Usage: ./demo.sh [--keep-running]
# Needs: Debian 12 or later, root (packages, and chroot into the image's root file system), the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")"
. tests/host.sh

readonly GROUP=acme.example.test ZONE=intranet.example.test DOMAIN=qa.svc.cluster-01.intranet.example.test
readonly FQDN=_acme-challenge.$DOMAIN.
# Where cert-manager would find the API key: the Secret <namespace>/<name>, key <key> (files under --secrets-dir here).
readonly NAMESPACE=cert-manager SECRET=pdns-api-key SECRET_KEY=api-key
readonly ROOTFS=$pdns_webhook_cache/trixie-rootfs

usage() { sed -n 's/^# Usage: /usage: /p' "$0"; }
case "$*" in
  "") keep_running=false ;;
  --keep-running) keep_running=true ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
fail() { printf 'demo.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# Every URL here is on loopback: keep a proxy from the environment out of the way (curl and .NET both honour these).
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

work="" pdns_dir="" api_key="" pdns_pid="" pebble_pid="" webhook_pid=""

# --- processes -----------------------------------------------------------------------------------------------------

# True while PID runs: an exited child stays a zombie (state Z) until reaped, and `kill -0` still reaches it.
running() { grep -qs '^State:[[:space:]]*[^Z]' "/proc/$1/status"; }

# Polls COMMAND until it succeeds; fails at the deadline, or at once when PID has exited.
wait_until() { # WHAT PID SECONDS COMMAND...
  local what=$1 pid=$2 seconds=$3 deadline=$((SECONDS + $3))
  shift 3
  until "$@" >/dev/null 2>&1; do
    running "$pid" || fail "$what: the process (pid $pid) exited"
    ((SECONDS < deadline)) || fail "$what: not ready within $seconds s"
    sleep 0.2   # the poll interval; readiness itself is the check above
  done
}

stop_all() { # each one handles SIGTERM: it exits and is reaped
  local pid
  for pid in $webhook_pid $pebble_pid $pdns_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work" "$pdns_dir"
  webhook_pid="" pebble_pid="" pdns_pid="" work="" pdns_dir=""
}

# On failure or interruption: the ends of the logs (the API key masked, should anything ever echo it), then clean up.
on_exit() {
  local rc=$? log
  ((rc != 0)) || return 0   # success: main stopped everything, or --keep-running keeps it
  for log in "$work"/{pdns,pebble,webhook}.log; do
    [[ -s $log ]] && { echo "--- last lines of $log ---"; tail -n 25 "$log" | sed "s/${api_key:-no key yet}/<api-key>/g"; } >&2
  done
  stop_all
  echo "demo.sh: stopped what it started; exit status $rc" >&2
}
trap on_exit EXIT
trap 'echo "demo.sh: interrupted" >&2; exit 130' INT   # so that the EXIT trap cleans up
trap 'echo "demo.sh: terminated" >&2; exit 143' TERM

# N distinct ports between 20000 and 31999 (below Linux's ephemeral range) with no TCP or UDP socket on them now.
free_ports() { # N
  local used port ports=()
  used=$(awk 'FNR > 1 { split($2, address, ":"); print address[2] }' /proc/net/{tcp,udp}{,6} 2>/dev/null || true)
  while ((${#ports[@]} < $1)); do
    port=$((20000 + RANDOM % 12000))
    grep -qx "$(printf '%04X' "$port")" <<<"$used" || [[ " ${ports[*]} " == *" $port "* ]] || ports+=("$port")
  done
  echo "${ports[@]}"
}

# --- the parts -----------------------------------------------------------------------------------------------------

build_webhook() {
  step "Building the webhook (dotnet build src/Webhook -c Release)"
  # --disable-build-servers: leave no MSBuild or compiler server running after the demo.
  dotnet build src/Webhook -c Release -nologo -v quiet --disable-build-servers >"$work/build.log" 2>&1 ||
    { tail -n 30 "$work/build.log" >&2; fail "dotnet build failed"; }
  webhook_dll=$(dotnet msbuild src/Webhook -nologo -p:Configuration=Release -getProperty:TargetPath)
  [[ -f $webhook_dll ]] || fail "the build output $webhook_dll does not exist"
  info "built $webhook_dll"
}

pdns_api() { curl -fsS --max-time 5 -H @"$work/pdns-api-key.header" "$pdns_url$1"; }   # the key stays off command lines
dig_local() { dig +time=2 +tries=1 -p "$dns_port" @127.0.0.1 "$@"; }
serves_soa() { [[ -n $(dig_local +short SOA "$ZONE.") ]]; }

# The image's entrypoint in the image's root file system, as its user pdns, with a clean environment of only these
# settings. chroot, env and the entrypoint all exec, so $! ends up being pdns_server's PID. setsid: here and below, a
# closed terminal's signals do not reach what --keep-running leaves up.
start_pdns() {
  step "Starting the bundled PowerDNS (the image's entrypoint, in its root file system): DNS on 127.0.0.1:$dns_port, API on $pdns_url"
  local name=pdns-webhook-demo-$$ owner
  pdns_dir=$ROOTFS/tmp/$name
  mkdir -p "$pdns_dir/zones"
  # The empty delegated challenge zone. SOA minimum 10: resolvers forget an NXDOMAIN for a challenge name after 10 s.
  printf '%s\n' "\$ORIGIN $ZONE." '$TTL 60' '@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 604800 10' \
    '@ IN NS ns1.example.test.' >"$pdns_dir/zones/$ZONE.zone"
  (umask 077 && printf '%s' "$api_key" >"$pdns_dir/api-key")   # as a mounted Secret gives it
  owner=$(chroot "$ROOTFS" id -u pdns):$(chroot "$ROOTFS" id -g pdns)
  chown -R "$owner" "$pdns_dir"
  setsid chroot --userspec="$owner" "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    PDNS_API_KEY_FILE="/tmp/$name/api-key" PDNS_DATA_DIR="/tmp/$name/data" PDNS_ZONES_DIR="/tmp/$name/zones" \
    PDNS_CONFIG_DIR="/tmp/$name/run" PDNS_LOCAL_ADDRESS=127.0.0.1 PDNS_DNS_PORT="$dns_port" PDNS_API_ADDRESS=127.0.0.1 \
    PDNS_API_PORT="$pdns_api_port" PDNS_WEBSERVER_ALLOW_FROM=127.0.0.0/8 /bin/bash /pdns-image/entrypoint.sh \
    </dev/null >"$work/pdns.log" 2>&1 &
  pdns_pid=$!
  wait_until "PowerDNS API" "$pdns_pid" 30 pdns_api "/api/v1/servers/localhost/zones/$ZONE."
  wait_until "PowerDNS DNS" "$pdns_pid" 10 serves_soa
  info "PowerDNS $(pdns_api /api/v1/servers/localhost | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p') is up (pid $pdns_pid); zone $ZONE. served with its SOA"
}

# The PKI kube-apiserver and cert-manager would give the webhook: a serving CA and certificate (Pebble's listener gets
# one too), and a front-proxy CA whose client certificate (CN front-proxy-client) lets the caller assert a user in
# X-Remote-User, as the aggregator does.
new_ca() { # NAME
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=$1" \
    -keyout "$pki/$1.key" -out "$pki/$1.crt" 2>/dev/null
}
new_certificate() { # CA NAME SUBJECT EXTENSIONS
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$3" -keyout "$pki/$2.key" 2>/dev/null |
    openssl x509 -req -CA "$pki/$1.crt" -CAkey "$pki/$1.key" -days 1 -extfile <(printf '%s\n' "$4") -out "$pki/$2.crt" 2>/dev/null
}
make_pki() {
  step "Making TLS certificates: serving certificates for the webhook and Pebble, a front-proxy client certificate (openssl)"
  pki=$work/pki
  mkdir -p "$pki"
  local serving=$'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth'
  new_ca serving-ca
  new_certificate serving-ca serving /CN=localhost "$serving"
  new_certificate serving-ca pebble /CN=localhost "$serving"
  new_ca front-proxy-ca
  new_certificate front-proxy-ca front-proxy-client /CN=front-proxy-client extendedKeyUsage=clientAuth
  info "serving certificates for localhost and 127.0.0.1; client certificate CN=front-proxy-client"
}

# No validation sleeps, no authorization reuse (so DNS-01 really runs), no deliberately rejected nonces (dehydrated
# does not retry them). "-strict=false", never "-strict false": Go would drop every later flag.
start_pebble() {
  step "Starting Pebble (a test ACME CA) on $acme_url, validating DNS-01 against 127.0.0.1:$dns_port"
  cat >"$work/pebble.json" <<EOF
{"pebble": {"listenAddress": "127.0.0.1:$pebble_port", "managementListenAddress": "127.0.0.1:$pebble_management_port",
  "certificate": "$pki/pebble.crt", "privateKey": "$pki/pebble.key", "httpPort": 5002, "tlsPort": 5001,
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
EOF
  PEBBLE_VA_NOSLEEP=1 PEBBLE_AUTHZREUSE=0 PEBBLE_WFE_NONCEREJECT=0 setsid pebble -config "$work/pebble.json" \
    -dnsserver "127.0.0.1:$dns_port" -strict=false </dev/null >"$work/pebble.log" 2>&1 &
  pebble_pid=$!
  wait_until "Pebble" "$pebble_pid" 20 curl -fsS --max-time 2 --cacert "$pki/serving-ca.crt" "$acme_url"
  # Pebble makes a new root at every start: what the certificate must chain to.
  curl -fsS --cacert "$pki/serving-ca.crt" "https://127.0.0.1:$pebble_management_port/roots/0" >"$work/pebble-root.pem" ||
    fail "could not read Pebble's root certificate"
  info "Pebble is up (pid $pebble_pid); it issues under $(openssl x509 -in "$work/pebble-root.pem" -noout -subject)"
}

# AllowAuthenticated: there is no kube-apiserver here to ask SubjectAccessReviews; the front-proxy CA is the boundary.
start_webhook() {
  step "Starting the webhook on $webhook_url (group $GROUP, API keys from $work/secrets)"
  setsid dotnet "$webhook_dll" --group-name "$GROUP" --secrets-dir "$work/secrets" --secure-port "$webhook_port" \
    --bind-address 127.0.0.1 --tls-cert-file "$pki/serving.crt" --tls-private-key-file "$pki/serving.key" \
    --requestheader-client-ca-file "$pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --authorization-mode AllowAuthenticated --log-format text </dev/null >"$work/webhook.log" 2>&1 &
  webhook_pid=$!
  wait_until "webhook /readyz" "$webhook_pid" 30 curl -fsS --max-time 2 --cacert "$pki/serving-ca.crt" "$webhook_url/readyz"
  info "webhook is up (pid $webhook_pid): GET /readyz answered 200 over TLS"
  local anonymous
  anonymous=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$pki/serving-ca.crt" -H 'Content-Type: application/json' \
    --data-binary '{}' "$webhook_url/apis/$GROUP/v1alpha1/pdns")
  [[ $anonymous == 403 ]] || fail "a caller without the front-proxy certificate got HTTP $anonymous, not 403"
  info "a caller without the front-proxy certificate is refused: HTTP $anonymous"
}

expect_nxdomain() {
  local status
  status=$(dig_local +noall +comments TXT "$FQDN" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
  info "dig -p $dns_port @127.0.0.1 TXT $FQDN: status ${status:-no answer}"
  [[ $status == NXDOMAIN ]] || fail "expected NXDOMAIN for $FQDN"
}

# dehydrated's hook: the webhook executable in hook mode, sending each Present and CleanUp to the server as cert-manager
# does through kube-apiserver, with the Issuer config a ClusterIssuer would carry. Once the values are up it shows what
# DNS serves; dehydrated then asks Pebble to validate.
write_dehydrated() {
  printf '{"host": "%s", "apiKeySecretRef": {"name": "%s", "key": "%s"}}\n' "$pdns_url" "$SECRET" "$SECRET_KEY" >"$work/issuer-config.json"
  cat >"$work/hook.sh" <<EOF
#!/bin/bash
PDNS_WEBHOOK_CONFIG=$work/issuer-config.json dotnet "$webhook_dll" "\$@" --via "$webhook_url" \\
  --client-cert "$pki/front-proxy-client.crt" --client-key "$pki/front-proxy-client.key" \\
  --ca-file "$pki/serving-ca.crt" --group-name "$GROUP" --namespace "$NAMESPACE" || exit
if [[ \$1 == deploy_challenge ]]; then
  echo "    dig +short -p $dns_port @127.0.0.1 TXT $FQDN (both values up, before validation):"
  dig +short +time=2 +tries=1 -p "$dns_port" @127.0.0.1 TXT "$FQDN" | tee "$work/served-while-up" | sed 's/^/      /'
fi
EOF
  chmod 700 "$work/hook.sh"
  mkdir -p "$work/dehydrated"
  printf '%s\n' "CA=$acme_url" CHALLENGETYPE=dns-01 "HOOK=$work/hook.sh" HOOK_CHAIN=yes "BASEDIR=$work/dehydrated" \
    >"$work/dehydrated.conf"
}

order_certificate() {
  step "Ordering one certificate for *.$DOMAIN and $DOMAIN (dehydrated; hook: pdns-webhook --via $webhook_url)"
  write_dehydrated
  export CURL_CA_BUNDLE=$pki/serving-ca.crt   # dehydrated's curl must trust Pebble's listener
  dehydrated --config "$work/dehydrated.conf" --register --accept-terms >"$work/register.log" 2>&1 ||
    { cat "$work/register.log" >&2; fail "dehydrated could not register an account with Pebble"; }
  dehydrated --config "$work/dehydrated.conf" --cron -d "$DOMAIN" -d "*.$DOMAIN" 2>&1 | sed 's/^/    /'
  ((PIPESTATUS[0] == 0)) || fail "dehydrated did not get the certificate"
  [[ $(grep -c . "$work/served-while-up" 2>/dev/null) == 2 ]] || fail "DNS did not serve both TXT values at once"
}

show_certificate() {
  step "The certificate"
  local certificate=$work/dehydrated/certs/$DOMAIN/cert.pem sans
  [[ -s $certificate ]] || fail "no certificate at $certificate"
  openssl x509 -in "$certificate" -noout -subject -issuer -ext subjectAltName -enddate | sed 's/^/    /'
  sans=$(openssl x509 -in "$certificate" -noout -ext subjectAltName | tail -n +2 | tr -d ' ' | tr , '\n' | LC_ALL=C sort | paste -sd,)
  [[ $sans == "DNS:*.$DOMAIN,DNS:$DOMAIN" ]] || fail "the certificate's SANs are '$sans', not exactly $DOMAIN and *.$DOMAIN"
  openssl verify -CAfile "$work/pebble-root.pem" -untrusted "$work/dehydrated/certs/$DOMAIN/chain.pem" "$certificate" |
    sed "s/^/    openssl verify against Pebble's root: /"
  ((PIPESTATUS[0] == 0)) || fail "the certificate does not chain to Pebble's root"
}

keep_running_help() {
  cat <<EOF

PowerDNS (pid $pdns_pid), Pebble (pid $pebble_pid) and the webhook (pid $webhook_pid) keep running. To poke at them:

  # Another certificate (the same account; --force renews although this one is fresh):
  CURL_CA_BUNDLE=$pki/serving-ca.crt dehydrated --config $work/dehydrated.conf --cron --force -d $DOMAIN -d '*.$DOMAIN'

  # Present, then CleanUp, one value through the server, as cert-manager does (the hook is pdns-webhook --via):
  $work/hook.sh present $FQDN my-test-value
  dig +short -p $dns_port @127.0.0.1 TXT $FQDN
  $work/hook.sh cleanup $FQDN my-test-value

  # The zone through the PowerDNS API (the key is in a curl header file), and the logs:
  curl -sS -H @$work/pdns-api-key.header $pdns_url/api/v1/servers/localhost/zones/$ZONE.
  tail -f $work/pdns.log $work/pebble.log $work/webhook.log

  # Stop everything:
  kill $webhook_pid $pebble_pid $pdns_pid; rm -rf $work $pdns_dir
EOF
}

# --- the demo ------------------------------------------------------------------------------------------------------

require_root "packages are installed with apt-get, and PowerDNS runs in the image's root file system (chroot)"
require_dotnet
ensure_packages debootstrap pebble dehydrated bind9-dnsutils curl openssl
ensure_rootfs trixie
started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/pdns-webhook-demo.XXXXXX")
build_webhook

read -r dns_port pdns_api_port webhook_port pebble_port pebble_management_port <<<"$(free_ports 5)"
pdns_url=http://127.0.0.1:$pdns_api_port webhook_url=https://127.0.0.1:$webhook_port acme_url=https://127.0.0.1:$pebble_port/dir
api_key=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')   # hex: safe in sed and headers
(
  umask 077   # the key only ever in files of mode 600: the webhook's --secrets-dir layout, and a curl header file
  mkdir -p "$work/secrets/$NAMESPACE/$SECRET"
  printf '%s' "$api_key" >"$work/secrets/$NAMESPACE/$SECRET/$SECRET_KEY"
  printf 'X-API-Key: %s\n' "$api_key" >"$work/pdns-api-key.header"
)

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

if $keep_running; then
  keep_running_help
else
  step "Stopping the webhook (pid $webhook_pid), Pebble (pid $pebble_pid) and PowerDNS (pid $pdns_pid); removing $work"
  stop_all
fi
step "Demo passed in $((SECONDS - started)) s (after packages and the root file system)"
