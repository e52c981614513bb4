#!/usr/bin/env bash
# Runs a command under another major version of Node.js: `bash scripts/with-node.sh 22 node --version`.
# The binary and its headers come from the npm registry's node-linux-<arch> package (the full
# distribution), kept under ~/.cache so the next run reuses it; npm_config_nodedir points
# node-gyp at those headers, so native modules (better-sqlite3) build offline.
set -euo pipefail
major="${1:?usage: with-node.sh <major version> <command...>}"
shift
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node.sh: no Node.js build for $(uname -m)" >&2; exit 1 ;;
esac
cache="${CLOUD_CONNECT_NODE_CACHE:-$HOME/.cache/cloud-connect/node}"
dir="$cache/node-$major-$arch"
if [ ! -x "$dir/bin/node" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  tarball="$(cd "$work" && npm pack --silent "node-linux-$arch@$major")"
  tar -xzf "$work/$tarball" -C "$work"
  mkdir -p "$cache"
  rm -rf "$dir"
  mv "$work/package" "$dir"
fi
export PATH="$dir/bin:$PATH"
export npm_config_nodedir="$dir"
"$@"
