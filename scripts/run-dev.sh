#!/usr/bin/env bash
# Serve the development site. Background helpers (mail sink and delivery worker) are
# started here when present and stopped when the server stops.
set -euo pipefail
HOST="${1:-127.0.0.1}"
PORT="${2:-5000}"
BIN=".venv/bin"
# Links in e-mails point at this server unless SITE_URL says otherwise.
export SITE_URL="${SITE_URL:-http://${HOST}:${PORT}}"
pids=()
cleanup() { for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ -f scripts/dev-services.sh ]; then
  # shellcheck source=/dev/null
  source scripts/dev-services.sh
fi

echo "Serving Kakehashi on http://${HOST}:${PORT}"
"$BIN/flask" run --host "$HOST" --port "$PORT"
