import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { RolePreset } from '@porter/cloud-connect';
import { type OptionValues, stringOption, UsageError } from '../arguments';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import type { CliIo } from '../io';

const PRESETS: readonly RolePreset[] = ['standard', 'restricted'];
const FORMATS = ['json', 'yaml'] as const;

/**
 * `porter-connect template`: prints the role template core publishes under `templates/` (the
 * files a test keeps equal to what the code generates), without their generator's comment.
 */
export async function templateCommand(values: OptionValues, io: CliIo): Promise<ExitCode> {
  const preset = stringOption(values, 'preset') ?? 'standard';
  const format = stringOption(values, 'format') ?? 'json';
  if (!PRESETS.includes(preset as RolePreset)) {
    throw new UsageError(
      `--preset must be ${PRESETS.join(' or ')}, not ${JSON.stringify(preset)}.`,
    );
  }
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format must be ${FORMATS.join(' or ')}, not ${JSON.stringify(format)}.`,
    );
  }
  const require = createRequire(import.meta.url);
  const file = require.resolve(`@porter/cloud-connect/templates/porter-role-${preset}.${format}`);
  const text = await readFile(file, 'utf8');
  io.stdout.write(text.replace(/^(#.*\n)+/, ''));
  return EXIT_CODES.OK;
}
