#!/usr/bin/env bash
# The main job: the demo running on the embedded sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
pnpm run demo
