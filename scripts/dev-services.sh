# Sourced by scripts/run-dev.sh: background helpers for `make run`.
# - a development SMTP sink (every mail lands in instance/mail/, viewable at /contact/dev/mailbox)
# - the outbox delivery worker (sends mail, retries, escalates unanswered threads, daily digests)
# Their PIDs go into the caller's `pids` array so they stop with the server.
#
# The sink listens on MAIL_PORT. When MAIL_PORT is not set and 8025 is taken (another instance
# on this machine), the next free port is used and the worker is told (MAIL_PORT is exported),
# so mail never goes to someone else's sink. If the sink cannot start, this stops `make run`
# with the sink's own message instead of serving a site whose mail goes nowhere.
mkdir -p instance/mail
export MAIL_SERVER="${MAIL_SERVER:-127.0.0.1}"
if [ -z "${MAIL_PORT:-}" ]; then
  MAIL_PORT="$("$BIN/python" -c 'import sys; from app.services.mail.devsink import free_port; print(free_port(sys.argv[1], 8025))' "$MAIL_SERVER")"
fi
export MAIL_PORT
: >instance/mail-sink.log
"$BIN/flask" mail sink --port "$MAIL_PORT" --dir instance/mail >instance/mail-sink.log 2>&1 &
sink_pid=$!
pids+=("$sink_pid")
# Started means: the sink said so. Listening alone is not enough (it could be another sink).
# Wait as long as it is starting (loading the app takes a while on a busy machine), up to 2 minutes.
for _ in $(seq 1200); do
  grep -q "Dev SMTP sink on" instance/mail-sink.log && break
  kill -0 "$sink_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q "Dev SMTP sink on" instance/mail-sink.log; then
  echo "The development SMTP sink could not start on ${MAIL_SERVER}:${MAIL_PORT}:" >&2
  if kill -0 "$sink_pid" 2>/dev/null; then
    echo "it did not report that it was listening within 2 minutes." >&2
  fi
  cat instance/mail-sink.log >&2
  exit 1
fi
"$BIN/flask" worker --interval 3 >instance/worker.log 2>&1 &
pids+=("$!")
echo "Mail: dev SMTP sink on ${MAIL_SERVER}:${MAIL_PORT} (mailbox: http://${HOST}:${PORT}/contact/dev/mailbox), the worker running (mail, digests, index sync; logs in instance/mail-sink.log, instance/worker.log)"
