// Fails unless every built entry file starts with the 'use client' directive, which React Server
// Components frameworks (Next.js app router) need to import the hooks and parts.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const files = Object.values(manifest.exports)
  .filter((entry) => typeof entry === 'object')
  .flatMap((entry) => [entry.import.default, entry.require.default]);
const missing = files.filter(
  (file) =>
    !readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').startsWith("'use client';"),
);
for (const file of missing) console.error(`${file} does not start with 'use client'.`);
if (missing.length > 0) process.exit(1);
console.log(`'use client' leads all ${files.length} entry files.`);
