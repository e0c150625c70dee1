#!/bin/sh
# Installs pnpm and the workspace's dependencies, then builds every package.
set -eu
cd "$(dirname "$0")/.."
sh scripts/ensure-pnpm.sh
export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile >&2
pnpm build >&2
