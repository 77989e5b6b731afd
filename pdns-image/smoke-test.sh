#!/bin/bash
# smoke-test.sh [ROOTFS]
# Runs entrypoint.sh with a real pdns_server and checks what a user relies on: fail-fast
# validation, an empty data dir, zones served over DNS, API writes persisted, restarts that
# neither duplicate nor lose zones, a new zone file picked up on restart, a broken zone file
# rejected. Without ROOTFS it runs on this host as the current user; with ROOTFS (made by
# rootfs.sh) it runs inside that chroot as the image's user pdns. Needs dig and curl on the host.
# Ports on 127.0.0.1: SMOKE_DNS_PORT and SMOKE_API_PORT, else free ones picked at random.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rootfs=${1:-}
free_port() { # a random port with no TCP or UDP listener (needs ss from iproute2)
  local p
  for _ in {1..50}; do
    p=$((20000 + RANDOM % 40000))
    [ -n "$(ss -Htuln "sport = :$p")" ] || [ "$p" = "${1:-}" ] || { echo "$p"; return; }
  done
  return 1
}
dns_port=${SMOKE_DNS_PORT:-$(free_port)}
api_port=${SMOKE_API_PORT:-$(free_port "$dns_port")}
key="smoke-$RANDOM$RANDOM$RANDOM"
passed=0 failed=0 pid=

if [ -n "$rootfs" ]; then
  rootfs=$(realpath "$rootfs")
  work=$(mktemp -d "$rootfs/tmp/pdns-smoke.XXXXXX")
  inner=${work#"$rootfs"}                      # the same directory as seen inside the chroot
  uid=$(chroot "$rootfs" id -u pdns)
  chown "$uid:$uid" "$work"
  run=(chroot --userspec="$uid:$uid" "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin)
  entrypoint=/pdns-image/entrypoint.sh
else
  work=$(mktemp -d)
  inner=$work
  run=(env -i "PATH=$PATH")
  entrypoint=$here/entrypoint.sh
fi
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop; rm -rf "$work"' EXIT

mkdir -p "$work/zones"
[ -z "$rootfs" ] || chown "$uid:$uid" "$work/zones"
settings=(PDNS_DATA_DIR="$inner/data" PDNS_ZONES_DIR="$inner/zones" PDNS_CONFIG_DIR="$inner/run"
          PDNS_LOCAL_ADDRESS=127.0.0.1 PDNS_DNS_PORT="$dns_port" PDNS_API_ADDRESS=127.0.0.1
          PDNS_API_PORT="$api_port" PDNS_WEBSERVER_ALLOW_FROM=127.0.0.0/8)

check() { # DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"
  else failed=$((failed + 1)); echo "FAIL $what"; echo "---- log:"; cat "$work/log" 2>/dev/null; echo "----"; fi
}
start() { "${run[@]}" "${settings[@]}" PDNS_API_KEY="$key" "$entrypoint" >"$work/log" 2>&1 & pid=$!; }
api() { curl -fsS -H "X-API-Key: $key" "$@"; }
# Ready = the API answers; polled under a 20 s deadline, failing early if the process died.
ready() {
  local deadline=$((SECONDS + 20))
  until api -o /dev/null "http://127.0.0.1:$api_port/api/v1/servers/localhost" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}
dns() { dig +short +norec +time=2 +tries=1 @127.0.0.1 -p "$dns_port" "$@"; }
domains() { sqlite3 "$work/data/pdns.sqlite3" 'SELECT group_concat(name, " ") FROM (SELECT name FROM domains ORDER BY name)'; }
fails_with() { # TEXT: the entrypoint exits non-zero within 10 s and names TEXT
  ! timeout 10 "${run[@]}" "${settings[@]}" "${@:2}" "$entrypoint" >"$work/log" 2>&1 && grep -q "$1" "$work/log"
}

check "a missing API key fails fast, naming PDNS_API_KEY" fails_with PDNS_API_KEY
check "an empty PDNS_API_KEY_FILE fails fast" fails_with PDNS_API_KEY_FILE PDNS_API_KEY_FILE=/dev/null
check "a bad port fails fast, naming PDNS_DNS_PORT" fails_with PDNS_DNS_PORT PDNS_API_KEY="$key" PDNS_DNS_PORT=70000

cp "$here/zones/intranet.example.com.zone" "$work/zones/"
start
check "starts on an empty data dir" ready
version() { api "http://127.0.0.1:$api_port/api/v1/servers/localhost" | grep -o '"version": *"[^"]*"'; }
check "the API reports a version" version
soa_minimum_10() { dns intranet.example.com SOA | grep -q ' 10$'; }
check "serves the zone's SOA with a 10 s minimum" soa_minimum_10
nxdomain() { dig +norec @127.0.0.1 -p "$dns_port" _acme-challenge.intranet.example.com TXT | grep -q 'status: NXDOMAIN'; }
check "a missing name is NXDOMAIN" nxdomain
check "an API write is accepted (the data dir is writable)" api -X PATCH \
  "http://127.0.0.1:$api_port/api/v1/servers/localhost/zones/intranet.example.com." -d \
  '{"rrsets":[{"name":"_acme-challenge.intranet.example.com.","type":"TXT","ttl":60,"changetype":"REPLACE","records":[{"content":"\"smoke\"","disabled":false}]}]}'
check "the written TXT is served" test "$(dns _acme-challenge.intranet.example.com TXT)" = '"smoke"'
key_not_logged() { ! grep -qF -- "$key" "$work/log"; }
check "the API key is not in the output" key_not_logged
stop

cat >"$work/zones/other.test.zone" <<'ZONE'
$TTL 60
@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 10
@ IN NS ns1.example.com.
ZONE
start
check "restarts" ready
check "a restart keeps one row per zone and adds the new zone file" test "$(domains)" = "intranet.example.com other.test"
new_zone_served() { dns other.test SOA | grep -q hostmaster; }
check "the new zone is served" new_zone_served
check "the TXT written before the restart is still served" test "$(dns _acme-challenge.intranet.example.com TXT)" = '"smoke"'
stop

start
check "a second restart" ready
check "still one row per zone" test "$(domains)" = "intranet.example.com other.test"
stop

printf '@ IN NS ns1.example.com.\n' >"$work/zones/broken.test.zone"
check "a zone file without SOA fails fast, naming the file" fails_with broken.test.zone PDNS_API_KEY="$key"
check "and leaves the database as it was" test "$(domains)" = "intranet.example.com other.test"
rm "$work/zones/broken.test.zone"

# No zones directory at all: the image's seed (its example zone) when there is one, else no zones.
rm -rf "$work/data" "$work/zones"
expected=; [ -z "$rootfs" ] || expected=intranet.example.com
start
check "starts with no zones directory" ready
check "with the seed's zones ('${expected:-none}')" test "$(domains)" = "$expected"
stop

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
