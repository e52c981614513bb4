import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  REGENERATE_COMMAND,
  renderTemplateFiles,
  TEMPLATE_VARIANTS,
} from '../scripts/render-templates';
import { buildRoleTemplate } from '../src/role-template';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the committed templates', () => {
  for (const { file, content } of renderTemplateFiles()) {
    it(`${file} is exactly what the code generates`, () => {
      const committed = readFileSync(`${packageRoot}${file}`, 'utf8');
      expect(
        committed === content,
        `${file} differs from what src/role-template.ts generates. Run: ${REGENERATE_COMMAND}`,
      ).toBe(true);
    });
  }

  it('say the same thing in JSON and in YAML', () => {
    for (const { preset, events, name } of TEMPLATE_VARIANTS) {
      const json = JSON.parse(readFileSync(`${packageRoot}templates/${name}.json`, 'utf8'));
      const yaml = parse(readFileSync(`${packageRoot}templates/${name}.yaml`, 'utf8'));
      expect(json).toEqual(buildRoleTemplate({ preset, events }));
      expect(yaml).toEqual(json);
    }
  });
});
