#!/bin/bash
# Starts PowerDNS for the bundled image, on SQLite (a file in the volume) or on PostgreSQL
# (postgresql.sh, for several replicas). Also run directly on a host or in a chroot by tests: every
# path and port comes from a PDNS_* variable (README.md lists them).
# Steps: validate settings, create the database or schema if missing, import new zone files, write
# pdns.conf, check the zones, exec pdns_server in the foreground (so it receives the signals).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
log() { echo "entrypoint.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

: "${PDNS_BACKEND:=sqlite}"
: "${PDNS_DATA_DIR:=/var/lib/powerdns}"
: "${PDNS_DB:=$PDNS_DATA_DIR/pdns.sqlite3}"
: "${PDNS_SEED_DB:=$here/seed.sqlite3}"
: "${PDNS_ZONES_DIR:=/etc/powerdns/zones.d}"
: "${PDNS_CONFIG_DIR:=/run/pdns}"
: "${PDNS_SOCKET_DIR:=$PDNS_CONFIG_DIR}"
: "${PDNS_LOCAL_ADDRESS:=0.0.0.0}"
: "${PDNS_DNS_PORT:=5353}"
: "${PDNS_API_ADDRESS:=0.0.0.0}"
: "${PDNS_API_PORT:=8081}"
: "${PDNS_WEBSERVER_ALLOW_FROM:=0.0.0.0/0,::/0}"
: "${PDNS_LOGLEVEL:=4}"
: "${PDNS_CACHE_TTL:=5}"
: "${PDNS_QUERY_CACHE_TTL:=5}"
: "${PDNS_NEGQUERY_CACHE_TTL:=5}"
: "${PDNS_EXTRA_CONF:=}"
: "${PDNS_BINARY:=pdns_server}"
: "${PDNS_API_KEY:=}"
: "${PDNS_API_KEY_FILE:=}"

# --- validate ---------------------------------------------------------------------------
case $PDNS_BACKEND in
  sqlite) ;;
  postgresql) . "$here/postgresql.sh" ;;
  *) die "PDNS_BACKEND must be sqlite or postgresql, got '$PDNS_BACKEND'" ;;
esac
integer() { # NAME MIN MAX
  local value=${!1}
  if ! [[ $value =~ ^[0-9]{1,5}$ ]] || ((10#$value < $2 || 10#$value > $3)); then
    die "$1 must be an integer from $2 to $3, got '$value'"
  fi
}
integer PDNS_DNS_PORT 1 65535
integer PDNS_API_PORT 1 65535
integer PDNS_LOGLEVEL 0 9
integer PDNS_CACHE_TTL 0 86400
integer PDNS_QUERY_CACHE_TTL 0 86400
integer PDNS_NEGQUERY_CACHE_TTL 0 86400
# A newline would smuggle extra settings into pdns.conf; PDNS_EXTRA_CONF is the way to add some.
for name in PDNS_DATA_DIR PDNS_DB PDNS_ZONES_DIR PDNS_CONFIG_DIR PDNS_SOCKET_DIR \
            PDNS_LOCAL_ADDRESS PDNS_API_ADDRESS PDNS_WEBSERVER_ALLOW_FROM; do
  [ -n "${!name}" ] || die "$name must not be empty"
  [[ ${!name} != *$'\n'* ]] || die "$name must be a single line"
done
for name in PDNS_DATA_DIR PDNS_DB PDNS_ZONES_DIR PDNS_CONFIG_DIR PDNS_SOCKET_DIR; do
  [[ ${!name} == /* ]] || die "$name must be an absolute path, got '${!name}'"
done

# A secret from $NAME or from the file $NAME_FILE (a mounted Secret), printed; empty if neither is set.
secret() {
  local file_var="$1_FILE" value
  if [ -n "${!1:-}" ] && [ -n "${!file_var:-}" ]; then
    die "set only one of $1 and $file_var"
  elif [ -n "${!file_var:-}" ]; then
    [ -r "${!file_var}" ] || die "$file_var ${!file_var} is not a readable file"
    value=$(cat "${!file_var}")   # drops the trailing newline a Secret file often has
    value=${value%$'\r'}
    [ -n "$value" ] || die "$file_var ${!file_var} is empty"
  else
    value=${!1:-}
  fi
  [[ $value != *$'\n'* ]] || die "$1 must be a single line"
  echo "$value"
}
api_key=$(secret PDNS_API_KEY) || exit 1
[ -n "$api_key" ] || die "set PDNS_API_KEY or PDNS_API_KEY_FILE (the PowerDNS API key)"
unset PDNS_API_KEY   # pdns_server does not need it in its environment
# pdns.conf holds the key hashed (PowerDNS 4.6+ accepts $scrypt$ api-keys), so a leaked file or backup does not leak it.
api_key_hash=$(printf '%s\n' "$api_key" | pdnsutil --config-dir=/nonexistent hash-password 2>/dev/null) || true
[[ $api_key_hash == '$scrypt$'* ]] || die "pdnsutil hash-password could not hash the API key (PowerDNS 4.6 or later is needed)"
[ "$PDNS_BACKEND" = sqlite ] || pg_validate

command -v "$PDNS_BINARY" >/dev/null || die "PDNS_BINARY $PDNS_BINARY is not an executable"

# --- directories --------------------------------------------------------------------------
# SQLite writes its WAL and lock files next to the database, so its directory must be writable;
# PostgreSQL needs no data directory.
dirs=(PDNS_CONFIG_DIR PDNS_SOCKET_DIR)
[ "$PDNS_BACKEND" != sqlite ] || dirs+=(PDNS_DATA_DIR)
for name in "${dirs[@]}"; do
  mkdir -p "${!name}" 2>/dev/null || die "$name ${!name} does not exist and cannot be created by uid $(id -u)"
  [ -w "${!name}" ] || die "$name ${!name} is not writable by uid $(id -u) (on Kubernetes: set fsGroup, or mount an emptyDir)"
done

# Convention: PDNS_ZONES_DIR/<zone>.zone is a BIND zone file for <zone> (a ConfigMap key per
# zone). A zone already in the database is left alone: the API owns it after its first import,
# and restarts must neither duplicate nor reset it.
shopt -s nullglob
zone_files=()
[ -d "$PDNS_ZONES_DIR" ] && zone_files=("$PDNS_ZONES_DIR"/*.zone)
zone_name() {
  local zone
  zone=$(basename "$1" .zone)
  zone=${zone%.}
  zone=${zone,,}
  [[ $zone =~ ^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$ ]] || die "zone file $1: '$zone' is not a zone name"
  echo "$zone"
}

# --- SQLite: database and zones -----------------------------------------------------------
# An empty volume gets the image's seed (its example zones) only when no zone files are
# mounted; otherwise it starts from the packaged schema and gets exactly the mounted zones.
sqlite_create() {
  local db_dir tmp="$PDNS_DB.new"
  db_dir=$(dirname "$PDNS_DB")
  [ -w "$db_dir" ] || die "the directory of PDNS_DB ($db_dir) is not writable by uid $(id -u)"
  [ ! -s "$PDNS_DB" ] || return 0
  rm -f "$tmp"
  if [ ${#zone_files[@]} -eq 0 ] && [ -f "$PDNS_SEED_DB" ]; then
    log "creating $PDNS_DB from the seed $PDNS_SEED_DB"
    cp "$PDNS_SEED_DB" "$tmp"
  else
    log "creating $PDNS_DB from the packaged schema"
    sqlite3 -bail "$tmp" </usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
  fi
  mv "$tmp" "$PDNS_DB"
}

# Each zone is imported in its own transaction, so one zone that exists or fails never half-loads another.
sqlite_import() {
  local sql="$PDNS_CONFIG_DIR/zone-import.sql" file zone before
  for file in "${zone_files[@]}"; do
    zone=$(zone_name "$file")
    if [ "$(sqlite3 "$PDNS_DB" "SELECT count(*) FROM domains WHERE name = '$zone'")" != 0 ]; then
      log "zone $zone is already in the database; $file not imported again"
      continue
    fi
    zone2sql --gsqlite --zone="$file" --zone-name="$zone." >"$sql" 2>"$sql.err" \
      || die "zone2sql failed on $file: $(tr '\r' '\n' <"$sql.err" | tail -n 3)"
    before=$(sqlite3 "$PDNS_DB" 'SELECT count(*) FROM domains')
    # The guard rows make the transaction fail unless the file added exactly this one zone,
    # with an SOA (without one the zone answers REFUSED); -bail then rolls everything back.
    # zone2sql writes no metadata: SOA-EDIT-API makes API edits change the serial.
    if ! {
      echo 'BEGIN;'
      cat "$sql"
      echo 'CREATE TEMP TABLE guard(ok INTEGER CHECK (ok = 1));'
      echo "INSERT INTO guard SELECT count(*) FROM domains d WHERE d.name = '$zone'
              AND EXISTS (SELECT 1 FROM records r WHERE r.domain_id = d.id AND r.type = 'SOA');"
      echo "INSERT INTO guard SELECT count(*) - $before FROM domains;"
      echo "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'SOA-EDIT-API', 'INCREASE' FROM domains WHERE name = '$zone';"
      echo 'COMMIT;'
    } | sqlite3 -bail "$PDNS_DB" >/dev/null 2>"$sql.err"; then
      die "importing $file failed (it must hold zone $zone with an SOA record and nothing else): $(cat "$sql.err")"
    fi
    imported+=("$zone")
    log "imported zone $zone from $file"
  done
  rm -f "$sql" "$sql.err"
}

sqlite_remove_zone() {
  sqlite3 -bail "$PDNS_DB" "BEGIN; DELETE FROM records WHERE domain_id IN (SELECT id FROM domains WHERE name = '$1');
    DELETE FROM domainmetadata WHERE domain_id IN (SELECT id FROM domains WHERE name = '$1');
    DELETE FROM domains WHERE name = '$1'; COMMIT;"
}

sqlite_conf() {
  echo "launch=gsqlite3"
  echo "gsqlite3-database=$PDNS_DB"
}

imported=()
if [ "$PDNS_BACKEND" = sqlite ]; then
  sqlite_create
  [ -w "$PDNS_DB" ] || die "PDNS_DB $PDNS_DB is not writable by uid $(id -u)"
  sqlite_import
else
  pg_prepare
  imported=("${pg_imported[@]}")
fi

# --- configuration ------------------------------------------------------------------------
conf="$PDNS_CONFIG_DIR/pdns.conf"
(
  umask 077   # the file holds the API key
  {
    cat "$here/pdns.conf"
    echo "# from the environment (entrypoint.sh)"
    if [ "$PDNS_BACKEND" = sqlite ]; then sqlite_conf; else pg_conf; fi
    echo "api-key=$api_key_hash"
    echo "webserver-address=$PDNS_API_ADDRESS"
    echo "webserver-port=$PDNS_API_PORT"
    echo "webserver-allow-from=$PDNS_WEBSERVER_ALLOW_FROM"
    echo "local-address=$PDNS_LOCAL_ADDRESS"
    echo "local-port=$PDNS_DNS_PORT"
    echo "socket-dir=$PDNS_SOCKET_DIR"
    echo "loglevel=$PDNS_LOGLEVEL"
    # Small caches: a challenge zone is tiny and quiet, and answers must follow API edits.
    echo "cache-ttl=$PDNS_CACHE_TTL"
    echo "query-cache-ttl=$PDNS_QUERY_CACHE_TTL"
    echo "negquery-cache-ttl=$PDNS_NEGQUERY_CACHE_TTL"
    [ -z "$PDNS_EXTRA_CONF" ] || printf '# PDNS_EXTRA_CONF\n%s\n' "$PDNS_EXTRA_CONF"
  } >"$conf.new"
)
mv "$conf.new" "$conf"

# A zone imported by this start that fails the check is taken out again: otherwise every later start
# would skip it as "already in the database" and fail the same way, even after the file is fixed.
if ! pdnsutil --config-dir="$PDNS_CONFIG_DIR" check-all-zones >&2; then
  for zone in "${imported[@]}"; do
    if [ "$PDNS_BACKEND" = sqlite ]; then sqlite_remove_zone "$zone"; else pg_remove_zone "$zone"; fi
    log "removed zone $zone again: fix its file and restart"
  done
  die "pdnsutil check-all-zones failed"
fi

log "starting $PDNS_BINARY (DNS on $PDNS_LOCAL_ADDRESS:$PDNS_DNS_PORT, API on $PDNS_API_ADDRESS:$PDNS_API_PORT)"
exec "$PDNS_BINARY" --config-dir="$PDNS_CONFIG_DIR"
