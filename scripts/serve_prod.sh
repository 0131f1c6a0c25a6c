#!/usr/bin/env bash
# Serve Vigor with several backend workers: PostgreSQL for the data, Redis for page state.
#
#   DATABASE_URL=postgresql+psycopg://... REDIS_URL=redis://... SECRET_KEY=... \
#     bash scripts/serve_prod.sh [PORT]            (make serve-prod PORT=3000)
#
# 1. checks DATABASE_URL (PostgreSQL) and REDIS_URL are set and answer;
# 2. migrates the database once, before any worker starts;
# 3. starts `reflex run --env prod --single-port`; rxconfig.py hands REDIS_URL to Reflex, which
#    keeps state in Redis and starts GRANIAN_WORKERS workers (default 2 x cores + 1, at most 8);
# 4. starts it again if it stops on its own: granian, as Reflex starts it, ends the whole
#    instance when one worker dies. Tabs reconnect and find their state in Redis.
#    VIGOR_RESTART=0 turns that off (when systemd or a container runtime restarts it instead).
# /metrics sums every worker's figures: PROMETHEUS_MULTIPROC_DIR (default
# $VIGOR_DATA_DIR/prometheus) is emptied before each start and shared by the workers.
#
# Stop it with Ctrl-C or SIGTERM: the server's process group gets SIGTERM and the loop ends.
# See docs/operations.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${1:-${PORT:-3000}}"
HOST="${VIGOR_HOST:-0.0.0.0}"
BIN="$ROOT/.venv/bin"
export PATH="$BIN:$PATH"
export REFLEX_USE_NPM=1 REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=false

die() { echo "serve_prod: $*" >&2; exit 2; }

[[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL is not set (postgresql+psycopg://user:password@host:5432/vigor)"
[[ "$DATABASE_URL" == postgresql* ]] || die "DATABASE_URL must be PostgreSQL: SQLite is for one process (make run)"
[[ -n "${REDIS_URL:-}" ]] || die "REDIS_URL is not set (redis://host:6379/0)"
[[ -n "${SECRET_KEY:-}" ]] || echo "serve_prod: SECRET_KEY is not set: every instance must share one; using the data directory's" >&2

cd "$ROOT"
"$BIN/python" - <<'PY' || die "Redis or PostgreSQL does not answer"
import os, sys
import redis
from sqlalchemy import create_engine, text
redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
engine = create_engine(os.environ["DATABASE_URL"], connect_args={"connect_timeout": 5})
with engine.connect() as conn:
    conn.execute(text("SELECT 1"))
engine.dispose()
PY

"$BIN/python" -m vigor_app migrate

# Every worker's metrics in one directory, read by whichever worker answers /metrics
# (prometheus-client's multiprocess mode; docs/operations.md, "Metrics, traces and logs").
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${VIGOR_DATA_DIR:-data}/prometheus}"

child=0
stopping=0
stop() {
  stopping=1
  if (( child > 0 )) && kill -0 "$child" 2>/dev/null; then
    kill -TERM -- "-$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  exit 0
}
trap stop INT TERM

quick_exits=0
while true; do
  started=$SECONDS
  # The figures of the processes that stopped go with them (Prometheus reads the restart as a
  # counter reset).
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
  echo "serve_prod: starting Vigor on http://$HOST:$PORT with ${GRANIAN_WORKERS:-the default number of} workers"
  setsid "$BIN/reflex" run --env prod --single-port --backend-host "$HOST" \
    --frontend-port "$PORT" --backend-port "$PORT" &
  child=$!
  set +e
  wait "$child"
  status=$?
  set -e
  (( stopping )) && exit 0
  if [[ "${VIGOR_RESTART:-1}" != "1" ]]; then
    exit "$status"
  fi
  if (( SECONDS - started < 30 )); then
    quick_exits=$((quick_exits + 1))
    (( quick_exits < 5 )) || die "Vigor stopped within 30 s of starting five times in a row; giving up"
  else
    quick_exits=0
  fi
  echo "serve_prod: Vigor stopped (exit $status); starting it again in 2 s" >&2
  sleep 2
done
