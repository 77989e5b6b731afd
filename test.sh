#!/usr/bin/env bash
# Runs every test against real parts: PowerDNS 4.7.3 from Debian, PowerDNS 4.9.18 from the bundled image's recipe
# (a debootstrapped trixie root file system, cached under /var/cache/pdns-webhook), real DNS queries.
# Installs what it needs on a fresh Debian 12 machine (run as root) and ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# PowerDNS and the trixie root file system; Pebble and the ACME clients for real certificates (dig watches DNS in
# their hook); clang, lld and zlib for the image's NativeAOT publish; Go and sprig (with helm's YAML and schema
# libraries) render the chart.
packages=(pdns-server pdns-backend-sqlite3 sqlite3 debootstrap openssl
  pebble lego dehydrated certbot bind9-dnsutils curl clang lld zlib1g-dev
  golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-github-xeipuuv-gojsonschema-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

echo "==> preparing the bundled image's PowerDNS (trixie root file system; about a minute the first time)"
pdns-image/rootfs.sh /var/cache/pdns-webhook/trixie-rootfs

echo "==> dotnet test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The conformance table (case x PowerDNS version x variant); the runner shows test output only for failures.
table=tests/conformance/bin/Debug/net10.0/TestResults/conformance-table.md
[ ! -f "$table" ] || { echo; echo "==> conformance (tests/conformance)"; cat "$table"; }

# dotnet test's own summary ("total: N / failed: N / succeeded: N") becomes the plain closing line CI reads.
total() { awk -v key="$1:" '$1 == key { n = $2 } END { print n + 0 }' "$log"; }
echo "$(total succeeded) passed, $(total failed) failed"
exit "$status"
