#!/bin/sh
# The main job on embedded defaults: set up, then run the primitives example.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
node packages/core/examples/release-pipeline.mjs "$@"
