#!/usr/bin/env bash
# Run a command and print how long it took: `scripts/timed.sh NAME COMMAND...` (make test's parts).
set -uo pipefail
name="$1"; shift
started=$(date +%s)
"$@"
status=$?
echo "== ${name}: $(( $(date +%s) - started )) s (exit ${status})"
exit "${status}"
