#!/usr/bin/env bash
# Makes a fresh machine ready: pnpm (through npm) and the workspace's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install --global "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile
