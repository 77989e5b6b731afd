#!/usr/bin/env bash
# bench.sh [--skip-native] [--short] [--json FILE] [--samples N] [--rounds N] [--starts N] [--scale-challenges N,N] [--scale-zones N,N] [--naive-budget SECONDS]
# Measures what the webhook costs, side by side with the alternatives, in one run (bench/Benchmark):
#   1. overhead of Present+CleanUp through the webhook's authenticated HTTPS endpoint vs the transport floor (the same
#      requests to a resource it does not serve) and the fewest direct PowerDNS calls;
#   2. bursts of 80 challenges on PowerDNS 4.7.3 and 4.9.18: the webhook vs its floor vs a naive read-modify-write solver
#      vs one PATCH vs one correct batch (the fewest calls a zone shared with other writers allows);
#   3. propagation with 'instances' (3 PowerDNS 4.7.3 on one database): Present request to every instance serving it;
#   4. the scale curve: bursts of 100, 1,000 and 5,000 challenges over 1, 10 and 100 zones of 1,000 TXT RRSets each, on
#      4.9.18 and 4.7.3 (SQLite) and on 2 instances of 4.9.18 on one PostgreSQL database with 2 webhooks under a Lease,
#      beside the naive read-modify-write solver where it finishes in 60 s (--naive-budget; --scale-challenges and --scale-zones take
#      other comma-separated sizes), and its PNG (gnuplot);
#   5. footprint (size, time to ready, memory) of the image's NativeAOT build and of the framework-dependent one.
# 1 to 4 measure the image's build (the framework-dependent one with --skip-native).
# Prints a table with the targets beside the figures and writes the figures as JSON and the plot as PNG (paths printed last).
# Runs as root on a fresh Debian 12 machine with the .NET 10 SDK: installs PowerDNS, PostgreSQL, debootstrap (the trixie
# root file system with PowerDNS 4.9.18, cached under /var/cache/pdns-webhook) and clang/lld/zlib1g-dev (NativeAOT)
# itself, with tests/host.sh. About an hour on 2 cores: the scale curve takes most (its naive solver up to 60 s a cell),
# the NativeAOT compile 4; --skip-native leaves that build out.
# All traffic stays on loopback (127.0.0.1; 127.0.0.2 and .3 for the instances; 127.0.0.100 for their Service address).
# --short (test.sh runs it after the tests): every section with tiny sizes, in seconds, on the Debug builds in the checkout
# (incremental after dotnet test) and without the NativeAOT build. It proves the benchmark still runs and fails when the
# webhook erred, lost or left a value; its figures mean nothing.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

skip_native=false
short=false
json=
bench_args=()
while (($# > 0)); do
  case $1 in
    --skip-native) skip_native=true; shift ;;
    --short) short=true; skip_native=true; bench_args+=(--short); shift ;;
    --json) json=$(realpath -m "$2"); shift 2 ;;
    --samples | --rounds | --starts | --scale-challenges | --scale-zones | --naive-budget) bench_args+=("$1" "$2"); shift 2 ;;
    -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

step() { echo "==> $*" >&2; }
fail() { echo "bench.sh: $*" >&2; exit 1; }

. tests/host.sh
require_dotnet
packages=(pdns-server pdns-backend-sqlite3 sqlite3 debootstrap postgresql)   # postgresql: the scale curve's replicated setup
$skip_native || packages+=(clang lld zlib1g-dev)   # NativeAOT's linker and the libraries it links
$short || packages+=(gnuplot-nox)                   # the scale curve's PNG
ensure_packages "${packages[@]}"
ensure_rootfs trixie

work=$(mktemp -d "${TMPDIR:-/tmp}/pdns-webhook-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A short run's JSON goes with the scratch directory unless asked for: its figures mean nothing.
[ -n "$json" ] || { $short && json=$work/bench.json; } || json=${TMPDIR:-/tmp}/pdns-webhook-bench-$(date +%Y%m%d-%H%M%S).json
# No MSBuild or compiler server may outlive the benchmark.
export DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Runs a command, showing its log only when it fails.
quietly() { # LOG COMMAND...
  local log=$1
  shift
  "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "failed: $* (log: $log)"; }
}

image_args=()
if $short; then
  # Incremental: dotnet test has just built both projects' dependencies in the checkout.
  step "building the webhook and the benchmark (Debug, in the checkout)"
  quietly "$work/build-fd.log" dotnet build src/Webhook/Webhook.csproj
  quietly "$work/build-bench.log" dotnet build bench/Benchmark/Benchmark.csproj
  fd=$here/src/Webhook/bin/Debug/net10.0 bench=$here/bench/Benchmark/bin/Debug/net10.0
else
  # The other builds come from a scratch copy of the same sources, so they never share obj/ with a build in the checkout.
  sources=$work/sources
  mkdir -p "$sources"
  tar -cf - --exclude=bin --exclude=obj global.json Directory.Build.props Directory.Packages.props src | tar -xf - -C "$sources"

  step "publishing the framework-dependent build"
  quietly "$work/publish-fd.log" dotnet publish "$sources/src/Webhook/Webhook.csproj" -c Release -o "$work/fd"
  fd=$work/fd
  if ! $skip_native; then
    step "publishing the image's NativeAOT build (publish-check.sh: the Dockerfile's own commands; minutes on 2 cores)"
    quietly "$work/publish-image.log" ./publish-check.sh "$work/image"
    image_args=(--image "$work/image")
  fi
  step "building the benchmark (bench/Benchmark)"
  quietly "$work/build-bench.log" dotnet build bench/Benchmark/Benchmark.csproj -c Release -o "$work/bench"
  bench=$work/bench
fi

step "running"
dotnet "$bench/Benchmark.dll" --repo "$here" --fd "$fd" "${image_args[@]}" --json "$json" "${bench_args[@]}"
