#!/usr/bin/env bash
# Every test: lint, typecheck, unit/property/integration tests, package checks, size budgets.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/install-chromium.sh
bash scripts/install-aws-clients.sh
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
pnpm test
