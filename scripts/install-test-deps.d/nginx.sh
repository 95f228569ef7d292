#!/usr/bin/env bash
# nginx (the reverse proxy of deploy/) for the test that checks deploy/nginx/kakehashi.conf with
# `nginx -t`: Debian's package; the tests never start it as a service. Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
apt_install nginx nginx || exit 0
echo "nginx installed ($(/usr/sbin/nginx -v 2>&1))"
