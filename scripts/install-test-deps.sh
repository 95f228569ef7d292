#!/usr/bin/env bash
# System pieces the test suite needs, installed from Debian's packages when missing.
set -euo pipefail
for script in scripts/install-test-deps.d/*.sh; do
  [ -e "$script" ] && bash "$script"
done
exit 0
