#!/usr/bin/env bash
# PostgreSQL (the production database) for the tests marked `postgres`: Debian's package,
# a local cluster on 127.0.0.1:5432, and a test role/database. Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  apt_install PostgreSQL postgresql || exit 0
fi
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_createcluster "$version" main >/dev/null
  cluster="$version main"
fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='kakehashi'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role kakehashi login password 'kakehashi' createdb\""
echo "PostgreSQL ready for tests (postgresql://kakehashi@127.0.0.1:5432)"
