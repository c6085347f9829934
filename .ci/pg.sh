# Sourced by .ci/run and bench/run: a throwaway PostgreSQL 15 cluster owned by
# `postgres`, on its own port, removed when the calling script exits.
# Sets DATABASE_URL, PGDATA, PGPORT, PG_BIN.
PG_BIN=/usr/lib/postgresql/15/bin
PGPORT=${PGPORT:-55432}
PGDATA=$(mktemp -d /tmp/eskk-pg.XXXXXX)
chown postgres "$PGDATA"
pg_cleanup() {
  su postgres -c "$PG_BIN/pg_ctl -D $PGDATA -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap pg_cleanup EXIT
su postgres -c "$PG_BIN/initdb -D $PGDATA -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
su postgres -c "$PG_BIN/pg_ctl -D $PGDATA -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 ${PG_EXTRA_OPTS:-}' -l $PGDATA/log -w start" >/dev/null
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE eskk" >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/eskk"
export PG_BIN PGDATA PGPORT
