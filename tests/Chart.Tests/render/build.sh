#!/usr/bin/env bash
# Builds chart-render (main.go) into OUT_DIR with Debian's Go and libraries, offline, in GOPATH mode:
#   tests/Chart.Tests/render/build.sh /tmp/chart-render && /tmp/chart-render/chart-render -chart deploy/helm -f my-values.yaml
# As root it installs the Debian packages it needs when they are missing (CI runs as root on a fresh machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}

packages=(golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-github-xeipuuv-gojsonschema-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "build.sh: missing Debian packages; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "build.sh: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

mkdir -p "$out"
cd "$here"
# GOCACHE inside OUT_DIR: the build works for any user and leaves nothing in $HOME.
GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE="$out/.gocache" go build -o "$out/chart-render" .
