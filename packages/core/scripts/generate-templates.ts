// Writes the committed role templates (templates/porter-role-*.{json,yaml}) from the code.
// Run: pnpm --filter @porter/cloud-connect generate:templates
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderTemplateFiles } from './render-templates';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
for (const { file, content } of renderTemplateFiles()) {
  writeFileSync(`${packageRoot}${file}`, content);
  console.log(`wrote ${file} (${content.length} bytes)`);
}
