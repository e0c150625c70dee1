#!/bin/sh
# Installs the pnpm version pinned in package.json's packageManager, when it is not on PATH.
set -eu
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
have=$(pnpm --version 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "Installing pnpm $want (found: ${have:-none})" >&2
  npm install --global --silent "pnpm@$want" >&2
fi
