#!/bin/sh
# The main job on embedded defaults: set up, then release a sample package with the
# package-release workflow (real git, tests, coverage gate, tag, npm publish --dry-run).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
node packages/cli/dist/bin/tta.js workflow demo "$@"
