#!/bin/bash
# build-seed.sh DB_PATH ZONES_DIR
# Creates a PowerDNS SQLite database from the packaged schema and loads the zones listed in
# ZONES_DIR/named.conf. The Dockerfile uses it for the image's seed database.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 DB_PATH ZONES_DIR" >&2
  exit 2
fi
schema=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
db=$(realpath -m "$1")
zones_dir=$2

if [ -e "$db" ]; then
  echo "build-seed.sh: $db already exists" >&2
  exit 1
fi
tmp="$db.tmp.$$"
trap 'rm -f "$tmp"' EXIT
sqlite3 -bail "$tmp" <"$schema"
# zone2sql resolves relative zone file names against the current directory. A failure in it
# must fail the build (pipefail), or a zone could be left without its SOA (it then answers REFUSED).
# -bail plus one transaction: either every zone is loaded or none.
# zone2sql writes no metadata: SOA-EDIT-API makes API edits change the serial, as the entrypoint's imports do.
(cd "$zones_dir" && zone2sql --named-conf=named.conf --gsqlite) \
  | { echo 'BEGIN;'; cat
      echo "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'SOA-EDIT-API', 'INCREASE' FROM domains;"
      echo 'COMMIT;'; } | sqlite3 -bail "$tmp"
mv "$tmp" "$db"
trap - EXIT
echo "build-seed.sh: $db holds zones: $(sqlite3 "$db" 'SELECT group_concat(name, char(32)) FROM domains')" >&2
