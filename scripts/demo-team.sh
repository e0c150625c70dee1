#!/bin/sh
# A team on one PostgreSQL, on this machine (scripts/demo-team.mjs): set up and build, then the
# demo. It needs Debian's PostgreSQL server programs (scripts/ensure-debian-packages.sh).
set -eu
cd "$(dirname "$0")/.."
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "npm run demo:team needs PostgreSQL's server: sudo sh scripts/ensure-debian-packages.sh (or sudo apt-get install -y postgresql)" >&2
  exit 1
fi
sh scripts/setup.sh
exec node scripts/demo-team.mjs "$@"
