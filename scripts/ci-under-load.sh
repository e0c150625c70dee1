#!/bin/sh
# Runs .ci/run with CPU burners beside it (default 2, one per core of the CI machines), to show
# that the suite passes on a busy machine: tests wait for events, never for wall-clock margins.
# Usage: sh scripts/ci-under-load.sh [burners]     (from a fresh clone, as CI runs)
set -eu
cd "$(dirname "$0")/.."
burners="${1:-2}"
pids=""
i=0
while [ "$i" -lt "$burners" ]; do
  node -e 'for (;;) {}' &
  pids="$pids $!"
  i=$((i + 1))
done
# shellcheck disable=SC2086
trap 'kill $pids 2>/dev/null' EXIT INT TERM
echo "ci-under-load: $burners CPU burners running (pids$pids)" >&2
CI=true bash .ci/run < /dev/null
