# Make sure PostgreSQL and Redis are reachable for the test suite.
# DATABASE_URL / CELERY_BROKER_URL are used when set; otherwise the local servers
# are started (and Debian's packages installed when missing and we are root).
set -euo pipefail

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reinvestment}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else echo "need root to run: $*" >&2; return 1; fi; }

pg_reachable() { python - <<'PY'
import os, sys, psycopg
url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
base = url.rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(base, connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr); sys.exit(1)
PY
}

redis_reachable() { python - <<'PY'
import os, sys, redis
try:
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"], socket_connect_timeout=3).ping()
except Exception as exc:
    print(f"Redis not reachable: {exc}", file=sys.stderr); sys.exit(1)
PY
}

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "==> installing PostgreSQL (Debian packages)"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h | grep -q "^$version main"; then as_root pg_createcluster "$version" main; fi
  # trust auth on loopback, as the test URL has no password
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q "reinvestment-tests" "$hba" 2>/dev/null; then
    as_root sh -c "sed -i '1i host all all 127.0.0.1/32 trust # reinvestment-tests' '$hba'"
    as_root sh -c "sed -i '1i host all all ::1/128 trust # reinvestment-tests' '$hba'"
  fi
  echo "==> starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "==> installing Redis (Debian packages)"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  echo "==> starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/tests.log
}

wait_for() { # name, check function
  for _ in $(seq 1 30); do "$2" 2>/dev/null && return 0; sleep 1; done
  "$2"
}

if ! pg_reachable 2>/dev/null; then start_postgres; wait_for postgres pg_reachable; fi
if ! redis_reachable 2>/dev/null; then start_redis; wait_for redis redis_reachable; fi
python - <<'PY'
import os, psycopg
url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
base, name = url.rsplit("/", 1)
name = name.split("?")[0]
with psycopg.connect(base + "/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY
echo "==> PostgreSQL and Redis are reachable"
