#!/bin/bash
# rootfs.sh DIR [SUITE]
# Makes DIR a Debian SUITE (trixie, the image's; or forky, for the newest PowerDNS) root file system
# set up exactly as the bundled image is (install.sh,
# the scripts under /pdns-image, the seed database, the pdns-owned directories), so tests can run
# the image's PowerDNS without a Docker engine:
#   chroot DIR /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin PDNS_...=... /pdns-image/entrypoint.sh
# The expensive part (debootstrap + packages, about a minute) is cached as a tarball; the
# scripts and the seed are refreshed on every run, so edits to them need no rebuild. A changed
# install.sh (e.g. a package added) is run again in the cached root file system, which is then
# cached anew: no rebuild from scratch.
# Environment: PDNS_ROOTFS_CACHE (tarball path), DEBIAN_MIRROR (default: apt's own mirror).
# Debian 12's debootstrap has no forky script yet; sid's bootstraps it.
set -euo pipefail

[ $# -eq 1 ] || [ $# -eq 2 ] || { echo "usage: $0 DIR [trixie|forky]" >&2; exit 2; }
suite=${2:-trixie}
case $suite in
  trixie) script= ;;
  forky) script=/usr/share/debootstrap/scripts/sid ;;
  *) echo "rootfs.sh: suite '$suite' is not trixie or forky" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
dir=$(realpath -m "$1")
cache=${PDNS_ROOTFS_CACHE:-/var/cache/pdns-webhook/$suite-rootfs.tar.gz}
finished="$dir/.pdns-image-rootfs"   # written last: DIR holds a complete root file system
# install.sh's hash when it last ran in DIR: the cache is keyed on the recipe, not only on existing.
recipe="$dir/.pdns-image-recipe"
recipe_hash=$(sha256sum "$here/install.sh" | cut -d' ' -f1)
log() { echo "rootfs.sh: $*" >&2; }
in_root() { chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

# The Debian mirror this machine's apt uses (the project names none): the first non-security
# source in deb822 files, else in sources.list.
mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local m=
  shopt -s nullglob
  local sources=(/etc/apt/sources.list.d/*.sources)
  [ ${#sources[@]} -eq 0 ] || m=$(awk 'BEGIN { RS = "" } !/-security/ && match($0, /URIs:[ \t]*[^ \t\n]+/) {
      u = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", u); print u; exit }' "${sources[@]}")
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  [ -n "$m" ] || { log "no Debian mirror found in apt's sources; set DEBIAN_MIRROR"; exit 1; }
  echo "$m"
}

# Never delete through a mount point (a bind-mounted /dev would be emptied on the host).
assert_unmounted() {
  if findmnt -rn -o TARGET | grep -q "^$dir\(/\|$\)"; then
    log "something is mounted under $dir; unmount it first"
    exit 1
  fi
}

mounted_proc=
cleanup() { [ -z "$mounted_proc" ] || umount "$dir/proc"; }
trap cleanup EXIT
mount_proc() {
  if ! mountpoint -q "$dir/proc"; then mount -t proc proc "$dir/proc"; mounted_proc=1; fi
}

# Tests of other runs may be using DIR: their files under /tmp and /run are not part of the cache.
save_cache() {
  log "caching $dir as $cache"
  tar -czf "$cache.tmp" -C "$dir" --numeric-owner --one-file-system --exclude=./pdns-image \
    --exclude=./.pdns-image-rootfs --exclude='./tmp/*' --exclude='./run/*' .
  mv "$cache.tmp" "$cache"
}

mkdir -p "$(dirname "$cache")"
# Serialise concurrent callers (test assemblies running in parallel).
exec 9>"$(dirname "$cache")/rootfs.lock"
flock 9

if [ -f "$finished" ]; then
  log "reusing $dir"
else
  assert_unmounted
  rm -rf --one-file-system "$dir"
  mkdir -p "$dir"
  if [ -s "$cache" ]; then
    log "extracting $cache into $dir"
    tar -xzf "$cache" -C "$dir" --numeric-owner
  else
    command -v debootstrap >/dev/null || { apt-get update >&2 && apt-get install -y debootstrap >&2; }
    log "debootstrap $suite into $dir (about a minute)"
    debootstrap --variant=minbase "$suite" "$dir" "$(mirror)" $script >&2
    # Testing's Release file is valid for a week only: a mirror that lags behind would make apt refuse it. Test
    # root file systems only; the image itself is trixie, whose Release files do not expire.
    [ "$suite" = trixie ] || echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99pdns-image-testing"
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf"   # apt inside needs name resolution
    mkdir -p "$dir/pdns-image"
    cp "$here/install.sh" "$dir/pdns-image/"
    mount_proc
    log "installing PowerDNS with install.sh"
    in_root /pdns-image/install.sh >&2
    umount "$dir/proc"; mounted_proc=
    echo "$recipe_hash" >"$recipe"
    save_cache
  fi
fi

# A root file system (reused or from an older cache) made by another install.sh, e.g. one that did
# not install the PostgreSQL backend yet: run this one in it, which installs only what is missing.
if [ "$(cat "$recipe" 2>/dev/null)" != "$recipe_hash" ]; then
  log "install.sh changed since $dir was made: running it there"
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
  mkdir -p "$dir/pdns-image"
  cp "$here/install.sh" "$dir/pdns-image/"
  mount_proc
  in_root /pdns-image/install.sh >&2
  echo "$recipe_hash" >"$recipe"
  save_cache
fi

# What the Dockerfile does after the packages: copy the recipe, build the seed, make the
# directories the entrypoint's defaults need, owned by pdns (the image runs as that user).
log "copying $here into $dir/pdns-image and building the seed"
rm -rf "$dir/pdns-image"
mkdir -p "$dir/pdns-image"
cp -R "$here/." "$dir/pdns-image/"
rm -f "$dir/pdns-image/seed.sqlite3"
mount_proc
in_root /pdns-image/install.sh >&2
in_root /pdns-image/build-seed.sh /pdns-image/seed.sqlite3 /pdns-image/zones
in_root install -d -o pdns -g pdns /var/lib/powerdns /run/pdns /etc/powerdns/zones.d
# Start like a fresh container: no database, configuration or zones left by an earlier run.
find "$dir/var/lib/powerdns" "$dir/run/pdns" "$dir/etc/powerdns/zones.d" -mindepth 1 -delete
touch "$finished"
log "ready: $dir ($(in_root pdns_server --version 2>&1 | grep -o 'Authoritative Server [0-9.]*'))"
