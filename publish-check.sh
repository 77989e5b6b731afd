#!/usr/bin/env bash
# publish-check.sh OUT
# Publishes pdns-webhook into OUT exactly as the Dockerfile's build stage does, without a Docker engine: its COPY
# lines copy the same files (less bin/ and obj/, as .dockerignore says) into a scratch WORKDIR, and its RUN lines run
# there with TARGETARCH and BUILDARCH set (this machine's architecture, in Docker's names) and `-o /app` pointed at OUT.
# Then checks that OUT holds a native executable. tests/Publish.Tests starts the result in a Debian root file system
# without .NET. NativeAOT needs clang and lld here (apt-get install clang lld), as the -aot SDK image has them.
set -euo pipefail

(($# == 1)) || { echo "usage: $0 OUT" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$1")
case $(uname -m) in x86_64) native=amd64 ;; aarch64) native=arm64 ;; *) native=$(uname -m) ;; esac
# Only a native build is replayed: cross-compiling needs the target's libraries, which the Dockerfile installs.
export TARGETARCH=$native BUILDARCH=$native
die() { echo "publish-check.sh: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/publish-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
# No MSBuild or compiler server may outlive the publish (a test run would leave them behind).
export DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The build stage: from `FROM ... AS build` to the next FROM, with lines ending in \ joined to the next.
mapfile -t stage < <(awk '/^FROM .* AS build$/ { on = 1; next } /^FROM / { on = 0 } on && !/^#/ && NF {
  if (sub(/\\$/, "")) { line = line $0; next } print line $0; line = "" }' "$here/Dockerfile")
((${#stage[@]} > 0)) || die "no 'FROM ... AS build' stage in $here/Dockerfile"
workdir=
published=false
for line in "${stage[@]}"; do
  read -r instruction rest <<<"$line"
  case $instruction in
    ARG) ;;   # TARGETARCH and BUILDARCH are exported above; TARGET_APT_MIRROR matters only to a cross build, not replayed
    WORKDIR) workdir=$work/root$rest; mkdir -p "$workdir" ;;
    COPY)
      read -ra words <<<"$rest"
      destination=${words[-1]}
      for source in "${words[@]:0:${#words[@]}-1}"; do
        # Only same-path copies are replayed: `COPY a b ./`, `COPY dir/file dir/`, `COPY dir/ dir/`.
        [[ $destination == ./ || $destination == "$(dirname "$source")/" || $destination == "$source" ]] ||
          die "COPY $source $destination: only copies to the same path can be replayed"
        (cd "$here" && tar -cf - --exclude=bin --exclude=obj "$source") | tar -xf - -C "$workdir"
      done
      ;;
    RUN)
      [[ $rest != *' -o /app'* ]] || { rest=${rest/ -o \/app/ -o \"\$PUBLISH_OUT\"}; published=true; }
      echo "publish-check.sh: RUN $rest" >&2
      (cd "$workdir" && PUBLISH_OUT=$out bash -euo pipefail -c "$rest")
      ;;
    *) die "the build stage has '$instruction', which this script cannot replay" ;;
  esac
done
$published || die "no RUN line of the build stage publishes with '-o /app'"

[[ -x $out/pdns-webhook ]] || die "$out/pdns-webhook is not an executable"
[[ ! -f $out/pdns-webhook.dll && ! -f $out/pdns-webhook.runtimeconfig.json ]] ||
  die "$out holds .NET assemblies: the publish was not NativeAOT"
echo "publish-check.sh: published $(du -sh "$out" | cut -f1) into $out for $TARGETARCH" >&2
