# Finds a PostgreSQL server for the tests, or starts Debian's cluster, and exports its URL.
# Sourced by scripts/test and bench scripts.

pg_ready() { pg_isready -q -h "$1" -p 5432 2>/dev/null; }

ensure_postgres() {
  if [ -n "${EXIGENT_TEST_POSTGRES_URL:-}" ]; then return; fi
  if ! pg_ready 127.0.0.1 && ! pg_ready /var/run/postgresql; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "starting PostgreSQL $version"
    # The server refuses to run as root; pg_ctlcluster runs it as the postgres user.
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
    for _ in $(seq 1 30); do pg_ready /var/run/postgresql && break; sleep 1; done
  fi
  # Trust auth on loopback (as on a developer machine), else the local socket as a superuser
  # role named after this account, created once through the postgres account.
  if psql "postgresql://postgres@127.0.0.1:5432/postgres" -Atqc "select 1" >/dev/null 2>&1; then
    export EXIGENT_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    return
  fi
  local me
  me=$(id -un)
  if ! psql -h /var/run/postgresql -d postgres -Atqc "select 1" >/dev/null 2>&1; then
    su postgres -c "psql -Atqc \"CREATE ROLE \\\"$me\\\" SUPERUSER LOGIN\"" >/dev/null
  fi
  export EXIGENT_TEST_POSTGRES_URL="postgresql+psycopg://$me@/postgres?host=/var/run/postgresql"
}
