#!/usr/bin/env bash
# The benchmark suite (B1–B6) on PostgreSQL: a fresh database baton_bench, the dataset, every
# scenario beside its hand-written SQL baseline. Not part of `make test` (it takes a while).
#   make bench                      # full scale: 10k employees, 1M customers, 10M interactions
#   make bench BENCH_ARGS="--scale small"
#   make bench BENCH_ARGS="--reuse --only B2,B5"
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import psycopg; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=3).close()" 2>/dev/null; then
  echo "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres); the benchmarks need it." >&2
  exit 2
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "B6 needs wrk (apt-get install wrk)." >&2
fi
exec .venv/bin/python -m bench.run ${BENCH_ARGS:-}
