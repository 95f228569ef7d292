#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
# Installs it when missing; fails loudly when it cannot, so CI never silently skips them.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: /usr/bin/chromium is missing; run as root or: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "install-test-deps: installing chromium from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null
[ -x /usr/bin/chromium ] || { echo "install-test-deps: chromium did not install" >&2; exit 1; }
