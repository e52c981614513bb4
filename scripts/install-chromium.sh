#!/usr/bin/env bash
# Debian's Chromium for the browser tests (never a downloaded browser build). CHROMIUM_PATH wins.
set -euo pipefail
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium_path" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is needed for the browser tests: run 'sudo apt-get install -y chromium'" >&2
echo "(Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary." >&2
exit 1
