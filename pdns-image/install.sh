#!/bin/bash
# Installs PowerDNS with its SQLite and PostgreSQL backends (and both databases' clients, which the
# entrypoint uses) for the bundled image (Dockerfile, rootfs.sh).
# Idempotent: on a machine that already has the packages it only tidies the configuration, and on one
# that has some of them (an older rootfs.sh cache) it installs the rest.
set -euo pipefail

packages=(pdns-server pdns-backend-sqlite3 sqlite3 pdns-backend-pgsql postgresql-client)
# A fixed numeric id lets Kubernetes verify runAsNonRoot (it cannot for a user name).
pdns_uid=${PDNS_UID:-953}

# Create the user before apt does, so it gets the fixed id; the package's postinst reuses it.
if ! getent passwd pdns >/dev/null; then
  getent group pdns >/dev/null || groupadd --system --gid "$pdns_uid" pdns
  useradd --system --uid "$pdns_uid" --gid pdns --home-dir /var/spool/powerdns \
    --no-create-home --shell /usr/sbin/nologin --comment PowerDNS pdns
fi

installed() {
  local p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
  done
}

if installed; then
  echo "install.sh: ${packages[*]} already installed" >&2
else
  # Keep the package's postinst from starting a pdns service (debian:*-slim ships this file,
  # a debootstrap root file system does not).
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${packages[@]}"
  apt-get clean
  rm -rf /var/lib/apt/lists/*
  [ -z "$created_policy" ] || rm -f /usr/sbin/policy-rc.d
fi

# Debian enables the bind backend with an example named.conf; the entrypoint always passes
# --config-dir, but pdnsutil/pdns_control run by hand would otherwise pick these up.
rm -f /etc/powerdns/pdns.d/bind.conf /etc/powerdns/named.conf
