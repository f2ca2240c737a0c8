#!/usr/bin/env bash
# The whole test suite. Each part that cannot run here says so; with CI=true (or
# BATON_REQUIRE_POSTGRES=1 / BATON_REQUIRE_BROWSER=1) PostgreSQL (with Redis for the production
# mode step) and browser tests are mandatory.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export BATON_VAR_DIR="${BATON_VAR_DIR:-$PWD/var/test}"
mkdir -p "$BATON_VAR_DIR"
unset DATABASE_URL
REQUIRE_PG="${BATON_REQUIRE_POSTGRES:-${CI:-}}"
REQUIRE_BROWSER="${BATON_REQUIRE_BROWSER:-${CI:-}}"
PG_URL="${BATON_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/baton}"
PROD_PG_URL="${BATON_TEST_PRODUCTION_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/baton_prod}"
export BATON_TEST_REDIS_URL="${BATON_TEST_REDIS_URL:-redis://127.0.0.1:6379/11}"
CHROMIUM="${BATON_CHROMIUM:-/usr/bin/chromium}"
failed=()

step() { echo; echo "==== $1"; }
run() { local name="$1"; shift; step "$name"; "$@" || failed+=("$name"); }

run "ruff check" .venv/bin/ruff check .
run "ruff format --check" .venv/bin/ruff format --check .
run "mypy" .venv/bin/mypy baton
run "manage.py check" $PY manage.py check --fail-level WARNING
run "makemigrations --check" $PY manage.py makemigrations --check --dry-run
run "pytest (SQLite)" .venv/bin/pytest -q -n 2 --dist loadscope -m "not browser and not postgres_only and not production" baton

pg_up() { $PY -c "import psycopg; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=3).close()" 2>/dev/null; }
redis_up() { $PY -c "import os, redis; redis.Redis.from_url(os.environ['BATON_TEST_REDIS_URL'], socket_connect_timeout=3).ping()" 2>/dev/null; }

step "pytest (PostgreSQL)"
if pg_up; then
  DATABASE_URL="$PG_URL" .venv/bin/pytest -q -n 2 --dist loadscope -m "not browser and not production" baton || failed+=("pytest (PostgreSQL)")
elif [ -n "$REQUIRE_PG" ]; then
  echo "PostgreSQL is not reachable at 127.0.0.1:5432 but is required here."; failed+=("pytest (PostgreSQL)")
else
  echo "SKIPPED: PostgreSQL is not reachable at 127.0.0.1:5432 (start it to run these tests)."
fi

# Real gunicorn, Celery worker and beat processes on Redis and PostgreSQL (baton/core/tests/
# test_production_*.py): once, sequentially, in a test database of their own (test_baton_prod).
step "production mode (Celery + Redis + PostgreSQL)"
if pg_up && redis_up; then
  DATABASE_URL="$PROD_PG_URL" .venv/bin/pytest -q -m production baton || failed+=("production mode")
elif [ -n "$REQUIRE_PG" ]; then
  echo "PostgreSQL (127.0.0.1:5432) and Redis ($BATON_TEST_REDIS_URL) are required here; one does not answer."
  failed+=("production mode")
else
  echo "SKIPPED: needs PostgreSQL at 127.0.0.1:5432 and Redis at $BATON_TEST_REDIS_URL (start redis-server to run it)."
fi

step "browser tests (headless Chromium)"
if [ -x "$CHROMIUM" ]; then
  BATON_CHROMIUM="$CHROMIUM" .venv/bin/pytest -q -m browser baton || failed+=("browser tests")
elif [ -n "$REQUIRE_BROWSER" ]; then
  echo "Chromium is not installed at $CHROMIUM but is required here."; failed+=("browser tests")
else
  echo "SKIPPED: Chromium not found at $CHROMIUM (apt-get install chromium to run them)."
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "All test steps passed."
