#!/usr/bin/env bash
# Embedded mode: migrate, load the demo company into an empty database, then run the web
# server and the background worker together. No Redis or other service is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --if-empty

$PY manage.py run_worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo
echo "Baton is running at http://${HOST}:${PORT}/"
if $PY manage.py demo_credentials >/tmp/baton-demo-logins.$$ 2>/dev/null; then
  echo "Demo logins (also: .venv/bin/python manage.py demo_credentials [--json]):"
  cat /tmp/baton-demo-logins.$$
fi
rm -f /tmp/baton-demo-logins.$$
echo "Press Ctrl+C to stop."
echo
$PY manage.py runserver "${HOST}:${PORT}" --noreload
