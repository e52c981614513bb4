#!/usr/bin/env bash
# The packages' test suites again under each other supported Node.js major (lint, types, builds
# and browsers do not depend on the Node version; native modules and runtime APIs do).
# Each run writes test-results-node<major>.json per package. better-sqlite3 is built per Node
# ABI; each build is kept in a cache and swapped in, and the Node 20 build is put back at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
cache="${CLOUD_CONNECT_NODE_CACHE:-$HOME/.cache/cloud-connect/node}"
sqlite_dir="$(cd packages/server && node -p "require('node:path').dirname(require.resolve('better-sqlite3/package.json'))")"
binary="$sqlite_dir/build/Release/better_sqlite3.node"
sqlite_version="$(node -p "require('$sqlite_dir/package.json').version")"
# Suites that run only in a browser (package.json cloudConnectTests.nodeMatrix: false) are left out.
mapfile -t filters < <(node -e '
  const { readdirSync, readFileSync, existsSync } = require("node:fs");
  for (const root of ["packages", "apps"].filter((d) => existsSync(d)))
    for (const name of readdirSync(root)) {
      const manifest = JSON.parse(readFileSync(`${root}/${name}/package.json`, "utf8"));
      if (manifest.cloudConnectTests?.nodeMatrix === false) console.log(`--filter=!${manifest.name}`);
    }')
mkdir -p "$cache"
home_abi="$(node -p process.versions.modules)"
cp "$binary" "$cache/better_sqlite3-$sqlite_version-abi$home_abi.node"
restore() { cp --remove-destination "$cache/better_sqlite3-$sqlite_version-abi$home_abi.node" "$binary"; }
trap restore EXIT
for major in "${majors[@]}"; do
  echo "== Node $major: $(bash scripts/with-node.sh "$major" node --version)"
  abi="$(bash scripts/with-node.sh "$major" node -p process.versions.modules)"
  if [ -f "$cache/better_sqlite3-$sqlite_version-abi$abi.node" ]; then
    cp --remove-destination "$cache/better_sqlite3-$sqlite_version-abi$abi.node" "$binary"
  else
    bash scripts/with-node.sh "$major" pnpm --dir packages/server rebuild better-sqlite3 >/dev/null
    cp "$binary" "$cache/better_sqlite3-$sqlite_version-abi$abi.node"
  fi
  bash scripts/with-node.sh "$major" pnpm exec turbo run test --force --output-logs=errors-only \
    "${filters[@]}" -- \
    --reporter=dot --reporter=json "--outputFile.json=test-results-node$major.json"
done
