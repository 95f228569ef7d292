# Sourced by scripts/run-dev.sh: background helpers for `make run`.
# - a development SMTP sink (every mail lands in instance/mail/, viewable at /contact/dev/mailbox)
# - the outbox delivery worker (sends mail, retries, escalates unanswered threads, daily digests)
# Their PIDs go into the caller's `pids` array so they stop with the server.
mkdir -p instance/mail
"$BIN/flask" mail sink >instance/mail-sink.log 2>&1 &
pids+=("$!")
sleep 1  # let the sink bind before the worker's first delivery attempt (it retries anyway)
"$BIN/flask" mail deliver --interval 3 >instance/mail-worker.log 2>&1 &
pids+=("$!")
echo "Mail: dev SMTP sink on ${MAIL_SERVER:-127.0.0.1}:${MAIL_PORT:-8025} (mailbox: http://${HOST}:${PORT}/contact/dev/mailbox), delivery worker running (logs in instance/mail-*.log)"
