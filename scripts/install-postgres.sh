#!/usr/bin/env bash
# Debian's PostgreSQL server binaries for the server package's PostgreSQL tests. The tests start
# and stop their own server in a temporary directory, so nothing is left running after this.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || { [ -n "${POSTGRES_BIN:-}" ] && [ -x "$POSTGRES_BIN/pg_ctl" ]; }; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  exit 0
fi
echo "PostgreSQL is needed for the server package's tests: run 'sudo apt-get install -y postgresql'" >&2
echo "(Debian/Ubuntu), or set POSTGRES_BIN to a directory holding initdb and pg_ctl." >&2
exit 1
