#!/usr/bin/env bash
# Redis (the rate-limit store shared by web workers and hosts) for tests/ratelimits: Debian's
# package, a server on 127.0.0.1:6379 as the `redis` user with Debian's configuration. Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
if ! command -v redis-server >/dev/null 2>&1; then
  apt_install Redis redis-server || exit 0
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if [ "$(id -u)" != "0" ]; then
    echo "Redis is not running and this is not root: start it with 'service redis-server start'." >&2
    exit 0
  fi
  # Without an init system (containers, CI) the package's service is not started: run the
  # server as Debian's service would, daemonised with /etc/redis/redis.conf.
  install -d -o redis -g redis /run/redis /var/log/redis /var/lib/redis
  su -s /bin/sh redis -c "redis-server /etc/redis/redis.conf --daemonize yes --supervised no"
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.2
  done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null
echo "Redis ready for tests (redis://127.0.0.1:6379)"
