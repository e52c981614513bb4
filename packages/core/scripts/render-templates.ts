// What `templates/` must hold: the role template of each preset as JSON and as YAML. Shared by
// the generator and the drift test, so both render the same bytes.
import { Document, isScalar } from 'yaml';
import type { RolePreset } from '../src/permission-catalog';
import { buildRoleTemplate, stringifyRoleTemplate } from '../src/role-template';

/** The command that rewrites the committed templates. */
export const REGENERATE_COMMAND = 'pnpm --filter @porter/cloud-connect generate:templates';

const PRESETS: readonly RolePreset[] = ['standard', 'restricted'];

/** Each variant committed: a preset, with or without the stack event resources. */
export const TEMPLATE_VARIANTS = PRESETS.flatMap((preset) => [
  { preset, events: false, name: `porter-role-${preset}` },
  { preset, events: true, name: `porter-role-${preset}-events` },
]);

/** Each committed template file (relative to the package) and the content the code generates. */
export function renderTemplateFiles(): { file: string; content: string }[] {
  return TEMPLATE_VARIANTS.flatMap(({ preset, events, name }) => {
    const template = buildRoleTemplate({ preset, events });
    const header = [
      `# Porter Cloud Connect role template (${preset}${events ? ', stack events' : ''}). Generated from src/role-template.ts:`,
      `# do not edit. Regenerate with: ${REGENERATE_COMMAND}`,
    ].join('\n');
    return [
      { file: `templates/${name}.json`, content: stringifyRoleTemplate(template) },
      { file: `templates/${name}.yaml`, content: `${header}\n${toYaml(template)}` },
    ];
  });
}

function toYaml(template: object): string {
  const document = new Document(template);
  // Quoted, as AWS writes it: a YAML 1.1 reader would otherwise see a date.
  const version = document.get('AWSTemplateFormatVersion', true);
  if (isScalar(version)) version.type = 'QUOTE_DOUBLE';
  // lineWidth 0: never fold long strings, so a diff shows whole values.
  return document.toString({ lineWidth: 0 });
}
