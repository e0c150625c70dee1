#!/bin/sh
# Installs the Debian packages the tests run for real, when missing: chromium (the Logseq plugin
# in a headless browser), prometheus (query steps, against a real server), git, postgresql and
# redis-server (the team stores; the tests start their own servers in temporary folders).
# (Debian's `loki` is an unrelated genetics program: Loki steps are tested against a stand-in.)
set -eu
missing=""
for pair in chromium:chromium prometheus:prometheus git:git redis-server:redis-server; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
# PostgreSQL's server programs are not on PATH: Debian keeps them in /usr/lib/postgresql/<v>/bin.
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$missing postgresql"
[ -z "$missing" ] && exit 0
echo "Installing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "need root to install:$missing (run: sudo apt-get install -y$missing)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing fonts-dejavu-core >&2
# The packages start their own services; the tests start servers of their own instead.
for service in postgresql redis-server; do
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$service" >/dev/null 2>&1 || true; fi
  if command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
done
