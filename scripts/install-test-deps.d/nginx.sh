#!/usr/bin/env bash
# nginx (the reverse proxy of deploy/) for the test that checks deploy/nginx/kakehashi.conf with
# `nginx -t`: Debian's package; the tests never start it as a service. Idempotent.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "nginx is not installed and this is not root: install Debian's 'nginx' package." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq nginx >/dev/null
echo "nginx installed ($(/usr/sbin/nginx -v 2>&1))"
