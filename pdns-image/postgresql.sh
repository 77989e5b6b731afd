# The PostgreSQL backend of entrypoint.sh (PDNS_BACKEND=postgresql), sourced by it: validates the
# PDNS_PG_* settings, checks the database before PowerDNS starts (reachable, credentials, schema
# version), creates the schema and imports new zone files, and writes the gpgsql settings.
# Several replicas may start at once against one empty database: the schema and the zones are
# created in one transaction under an advisory lock, so exactly one replica does it and the others
# wait for it, find everything there and import nothing; a failure rolls everything back.

: "${PDNS_PG_HOST:=}"
: "${PDNS_PG_PORT:=5432}"
: "${PDNS_PG_DATABASE:=pdns}"
: "${PDNS_PG_USER:=}"
: "${PDNS_PG_SSLMODE:=prefer}"
pg_schema=/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql

# gpgsql pastes host, dbname and user unquoted into a libpq connection string: allow no spaces or quotes.
pg_validate() {
  [ -n "$PDNS_PG_HOST" ] || die "set PDNS_PG_HOST (the PostgreSQL server) for PDNS_BACKEND=postgresql"
  [ -n "$PDNS_PG_USER" ] || die "set PDNS_PG_USER (the PostgreSQL user) for PDNS_BACKEND=postgresql"
  integer PDNS_PG_PORT 1 65535
  local name
  for name in PDNS_PG_HOST PDNS_PG_DATABASE PDNS_PG_USER; do
    [[ ${!name} =~ ^[A-Za-z0-9_./:-]+$ ]] || die "$name must be a name without spaces or quotes, got '${!name}'"
  done
  [[ $PDNS_PG_SSLMODE =~ ^(disable|allow|prefer|require|verify-ca|verify-full)$ ]] \
    || die "PDNS_PG_SSLMODE must be disable, allow, prefer, require, verify-ca or verify-full, got '$PDNS_PG_SSLMODE'"
  pg_password=$(secret PDNS_PG_PASSWORD) || exit 1
  unset PDNS_PG_PASSWORD
  pg_where="$PDNS_PG_HOST:$PDNS_PG_PORT"
}

# The password goes into a libpq password file (mode 0600) that psql and PowerDNS both read: never
# into a command line, the environment of pdns_server or pdns.conf's connection string (unquoted).
pg_write_passfile() {
  pg_passfile=
  [ -n "$pg_password" ] || return 0
  pg_passfile="$PDNS_CONFIG_DIR/pgpass"
  local escaped=${pg_password//\\/\\\\}
  (umask 077 && echo "*:*:*:*:${escaped//:/\\:}" >"$pg_passfile.new")
  mv "$pg_passfile.new" "$pg_passfile"
}

pg_psql() {
  env PGHOST="$PDNS_PG_HOST" PGPORT="$PDNS_PG_PORT" PGDATABASE="$PDNS_PG_DATABASE" PGUSER="$PDNS_PG_USER" \
    PGSSLMODE="$PDNS_PG_SSLMODE" PGPASSFILE="${pg_passfile:-/dev/null}" PGCONNECT_TIMEOUT=10 \
    PGAPPNAME=pdns-entrypoint psql -X -q -At -v ON_ERROR_STOP=1 "$@"
}

# psql's first error line, on one line.
pg_error() { grep -m1 -E 'error|ERROR|FATAL' <<<"$1" | sed -E 's/^psql:[^ ]* (error: )?//; s/[[:space:]]+/ /g' || echo "$1"; }

pg_connect() {
  local out
  out=$(pg_psql -c 'SELECT 1' 2>&1) && return 0
  case $out in
    *"password authentication failed"* | *"no password supplied"* | *"no pg_hba.conf entry"* | *"role \""*"\" does not exist"*)
      die "PostgreSQL at $pg_where: authentication failed for user $PDNS_PG_USER: $(pg_error "$out")" ;;
    *"database \""*"\" does not exist"*)
      die "PostgreSQL at $pg_where has no database $PDNS_PG_DATABASE: $(pg_error "$out")" ;;
    *) die "PostgreSQL at $pg_where is unreachable: $(pg_error "$out")" ;;
  esac
}

# Compares the tables PowerDNS uses with the packaged schema, loaded into temporary tables of a
# rolled-back transaction. Prints "empty" (none of its tables), "current", or what differs.
pg_schema_state() {
  { cat <<'SQL'
SELECT current_schemas(false)::text AS schemas \gset
BEGIN;
SET LOCAL search_path TO pg_temp;
\i :schema
WITH expected AS (
  SELECT c.relname AS tab, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS typ
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
  WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped),
tables AS (  -- each table as PowerDNS finds it: in the first schema of its search path that has it
  SELECT DISTINCT ON (c.relname) c.oid, c.relname
  FROM unnest(:'schemas'::text[]) WITH ORDINALITY s(name, pos)
  JOIN pg_namespace n ON n.nspname = s.name JOIN pg_class c ON c.relnamespace = n.oid
  WHERE c.relkind IN ('r', 'p') AND c.relname IN (SELECT tab FROM expected)
  ORDER BY c.relname, s.pos),
actual AS (
  SELECT t.relname AS tab, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS typ
  FROM tables t JOIN pg_attribute a ON a.attrelid = t.oid WHERE a.attnum > 0 AND NOT a.attisdropped),
missing AS (SELECT * FROM expected WHERE tab IN (SELECT relname FROM tables) EXCEPT SELECT * FROM actual),
unexpected AS (SELECT * FROM actual EXCEPT SELECT * FROM expected)
SELECT CASE
  WHEN NOT EXISTS (SELECT 1 FROM tables) THEN 'empty'
  WHEN (SELECT count(*) FROM tables) = (SELECT count(DISTINCT tab) FROM expected)
       AND NOT EXISTS (SELECT 1 FROM missing) AND NOT EXISTS (SELECT 1 FROM unexpected) THEN 'current'
  ELSE concat_ws('; ',
    'missing tables: ' || (SELECT string_agg(DISTINCT tab, ', ') FROM expected WHERE tab NOT IN (SELECT relname FROM tables)),
    'missing columns: ' || (SELECT string_agg(tab || '.' || col || ' ' || typ, ', ' ORDER BY tab, col) FROM missing),
    'columns not in the packaged schema: ' || (SELECT string_agg(tab || '.' || col || ' ' || typ, ', ' ORDER BY tab, col) FROM unexpected))
END;
ROLLBACK;
SQL
  } | pg_psql -v schema="$pg_schema"
}

# Creates the schema if the database has none and imports each zone file whose zone is not in the
# database yet, all in one transaction under an advisory lock: concurrent replicas queue on the lock,
# and each then sees what the one before it committed. Sets pg_imported to the zones it imported.
pg_prepare() {
  pg_write_passfile
  pg_connect
  local state
  state=$(pg_schema_state 2>&1) || die "checking the schema of database $PDNS_PG_DATABASE at $pg_where failed: $(pg_error "$state")"
  case $state in
    empty | current) ;;
    *) die "database $PDNS_PG_DATABASE at $pg_where holds a PowerDNS schema of another version ($state);" \
         "upgrade it with the scripts in $(dirname "$pg_schema") first" ;;
  esac
  local script="$PDNS_CONFIG_DIR/zone-import.sql" file zone out
  {
    echo 'BEGIN;'
    echo "SELECT pg_advisory_xact_lock(hashtext('pdns-image schema and zone import'));"
    echo "CREATE FUNCTION pg_temp.guard(ok boolean, message text) RETURNS void LANGUAGE plpgsql
            AS \$\$ BEGIN IF NOT ok THEN RAISE EXCEPTION '%', message; END IF; END \$\$;"
    echo "SELECT to_regclass('domains') IS NULL AS create_schema \gset"
    echo '\if :create_schema'
    echo '\i :schema'
    echo '\echo created-schema'
    echo '\endif'
    for file in "${zone_files[@]}"; do
      zone=$(zone_name "$file")
      zone2sql --gpgsql --zone="$file" --zone-name="$zone." >"$script.$zone" 2>"$script.err" \
        || die "zone2sql failed on $file: $(tr '\r' '\n' <"$script.err" | tail -n 3)"
      echo "SELECT NOT EXISTS (SELECT 1 FROM domains WHERE name = '$zone') AS import_zone \gset"
      echo '\if :import_zone'
      echo 'SELECT count(*) AS domains_before FROM domains \gset'
      echo "\i $script.$zone"
      # Without an SOA the zone answers REFUSED; anything but this one zone is not what the file is for.
      echo "SELECT pg_temp.guard(count(*) = :domains_before + 1 AND EXISTS (SELECT 1 FROM domains d
              JOIN records r ON r.domain_id = d.id WHERE d.name = '$zone' AND r.type = 'SOA'),
              'zone file $zone.zone must hold zone $zone with an SOA record and nothing else') FROM domains;"
      # zone2sql writes no metadata: without this, API edits would never change the serial.
      echo "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'SOA-EDIT-API', 'INCREASE' FROM domains WHERE name = '$zone';"
      echo "\\echo imported $zone"
      echo '\else'
      echo "\\echo exists $zone"
      echo '\endif'
    done
    echo 'COMMIT;'
  } >"$script"
  if ! out=$(pg_psql -v schema="$pg_schema" -f "$script" 2>&1); then
    [[ $state != empty || $out != *"permission denied"* ]] \
      || die "database $PDNS_PG_DATABASE at $pg_where has no PowerDNS schema, and user $PDNS_PG_USER may not create it: $(pg_error "$out")"
    die "creating the schema or importing zones into database $PDNS_PG_DATABASE at $pg_where failed, nothing was changed: $(pg_error "$out")"
  fi
  rm -f "$script" "$script".*
  pg_imported=()
  while read -r word zone; do
    case $word in
      created-schema) log "created the PowerDNS schema in database $PDNS_PG_DATABASE at $pg_where" ;;
      imported) pg_imported+=("$zone"); log "imported zone $zone from $PDNS_ZONES_DIR/$zone.zone" ;;
      exists) log "zone $zone is already in the database; $PDNS_ZONES_DIR/$zone.zone not imported again" ;;
    esac
  done <<<"$out"
}

# A zone this start imported that pdnsutil check-all-zones rejects is taken out again (see entrypoint.sh).
pg_remove_zone() {
  pg_psql -c "BEGIN; SELECT pg_advisory_xact_lock(hashtext('pdns-image schema and zone import'));
    DELETE FROM domains WHERE name = '$1'; COMMIT;" >/dev/null
}

# Serializable transactions make a PATCH that races another one on the same RRSet fail (HTTP 500,
# "could not serialize access") instead of interleaving them into a wrong set or duplicate rows.
pg_conf() {
  echo "launch=gpgsql"
  echo "gpgsql-host=$PDNS_PG_HOST"
  echo "gpgsql-port=$PDNS_PG_PORT"
  echo "gpgsql-dbname=$PDNS_PG_DATABASE"
  echo "gpgsql-user=$PDNS_PG_USER"
  echo "gpgsql-extra-connection-parameters=sslmode=$PDNS_PG_SSLMODE${pg_passfile:+ passfile=$pg_passfile}" \
    "options='-c default_transaction_isolation=serializable'"
}
