#!/usr/bin/env bash
# The main job: Northwind, a partner dashboard embedding Cloud Connect, on the embedded sandbox.
# Starts the sandbox, the host server and the app on 127.0.0.1 and prints the URL to open.
#   bash scripts/demo.sh [--port 4700] [--sandbox-port 4566] [--data-dir apps/demo/.data]
# CLOUD_CONNECT_MODE=aws runs the same app against real AWS (docs/real-aws.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
pnpm --silent --filter @porter/cloud-connect-demo build --logLevel warn
cd apps/demo
exec node_modules/.bin/tsx --conditions=@porter/source server/main.ts "$@"
