#!/usr/bin/env bash
# Sourced by test.sh: runs a throwaway PostgreSQL on loopback for the
# persistence tests and exports the connection string that
# @backstage/backend-test-utils' TestDatabases reads
# (BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING). It is stopped
# and deleted when the sourcing shell exits.

# The newest installed server: Debian keeps it under /usr/lib/postgresql/<major>/bin,
# other systems put initdb on the PATH.
postgres_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

free_loopback_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); });'
}

start_test_postgres() {
  # The persistence tests fail, rather than skip PostgreSQL, when this is set.
  export SERVICE_MESH_TEST_POSTGRES=required
  local bindir
  bindir="$(postgres_bindir)"
  if [ -z "$bindir" ]; then
    ensure_apt_package initdb postgresql
    bindir="$(postgres_bindir)"
  fi
  local major
  major="$("$bindir/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')"

  # PostgreSQL refuses to run as root: run it as the postgres system user.
  local run_as=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    run_as=(runuser -u postgres --)
  fi

  TEST_POSTGRES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/service-mesh-postgres.XXXXXX")"
  [ "$(id -u)" = 0 ] && chown postgres "$TEST_POSTGRES_DIR"
  local port started=$SECONDS
  port="$(free_loopback_port)"
  # No fsync: the data is thrown away, and initdb and start take a second or two.
  "${run_as[@]}" "$bindir/initdb" -D "$TEST_POSTGRES_DIR/data" -U postgres \
    --auth=trust --encoding=UTF8 --no-sync >"$TEST_POSTGRES_DIR/initdb.log" 2>&1 || {
    log "initdb failed:"; tail -n 20 "$TEST_POSTGRES_DIR/initdb.log" >&2; return 1; }
  trap stop_test_postgres EXIT
  "${run_as[@]}" "$bindir/pg_ctl" -D "$TEST_POSTGRES_DIR/data" -l "$TEST_POSTGRES_DIR/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $TEST_POSTGRES_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    -w -t 30 start >/dev/null || {
    log "PostgreSQL did not start:"; tail -n 20 "$TEST_POSTGRES_DIR/postgres.log" >&2; return 1; }
  TEST_POSTGRES_PG_CTL=("${run_as[@]}" "$bindir/pg_ctl")
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL $major for the persistence tests on 127.0.0.1:$port (started in $((SECONDS - started)) s)"
}

stop_test_postgres() {
  [ -n "${TEST_POSTGRES_DIR:-}" ] || return 0
  [ -z "${TEST_POSTGRES_PG_CTL+x}" ] ||
    "${TEST_POSTGRES_PG_CTL[@]}" -D "$TEST_POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TEST_POSTGRES_DIR"
  TEST_POSTGRES_DIR=
}
