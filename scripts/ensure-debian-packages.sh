#!/bin/sh
# Installs the Debian packages the tests run for real, when missing: chromium (the Logseq plugin
# in a headless browser), prometheus (query steps, against a real server), git.
# (Debian's `loki` is an unrelated genetics program: Loki steps are tested against a stand-in.)
set -eu
missing=""
for pair in chromium:chromium prometheus:prometheus git:git; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
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
