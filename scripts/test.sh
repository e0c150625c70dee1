#!/bin/sh
# Set up, then run every package's tests and print "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
# The tests run real chromium, prometheus and git: installed when missing (needs root).
sh scripts/ensure-debian-packages.sh
status=0
TURBO_TELEMETRY_DISABLED=1 pnpm turbo run test --continue || status=$?
node scripts/test-summary.mjs || status=1
exit $status
