#!/usr/bin/env bash
# Every test: lint, typecheck, unit/property/integration/browser tests, package checks, size
# budgets and the demo on Node 20, then the packages' suites on Node 22 and 24; one closing line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/install-chromium.sh
bash scripts/install-postgres.sh
bash scripts/install-aws-clients.sh
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true  # the SDK's notice about Node 20, in test output only
pnpm test
bash scripts/test-other-nodes.sh 22 24
node scripts/test-summary.mjs test-results.json test-results-node22.json test-results-node24.json
