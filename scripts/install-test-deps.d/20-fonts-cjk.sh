#!/usr/bin/env bash
# Japanese fonts, so the browser tests' screenshots show text rather than empty boxes.
# Optional: the tests pass without them, so a failure here only warns.
set -uo pipefail
if fc-list :lang=ja 2>/dev/null | grep -q .; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: no Japanese font (screenshots will show boxes): apt-get install fonts-noto-cjk" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends fonts-noto-cjk </dev/null >/dev/null \
  || echo "install-test-deps: could not install fonts-noto-cjk (screenshots only)" >&2
exit 0
