import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backendOption, type OptionValues, timingOption, UsageError } from '../src/arguments';
import { run } from '../src/run';
import { memoryIo } from './support/memory-io';

// Options of the commands that run without a network, plus words that look like options.
const WORDS = [
  '--preset',
  '--format',
  '--account',
  '--external-id',
  '--principal',
  '--template-url',
  '--region',
  '--stack-name',
  '--console-base-url',
  '--json',
  '--help',
  '-h',
  '--',
  'standard',
  'restricted',
  'json',
  'yaml',
  '1234-5678-9012',
  'https://porter-templates.s3.us-east-1.amazonaws.com/t.json',
  'arn:aws:iam::111122223333:root',
  'eu-west-1',
];
const argument = fc.oneof(fc.constantFrom(...WORDS), fc.string(), fc.string({ unit: 'binary' }));

describe('porter-connect never crashes on its arguments', () => {
  it('template and link answer any arguments with 0 or a usage error (2), never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('template', 'link'),
        fc.array(argument, { maxLength: 8 }),
        async (command, args) => {
          const { io, stderr } = memoryIo();
          const code = await run([command, ...args], io);
          expect([0, 2]).toContain(code);
          if (code === 2) expect(stderr()).toContain(`Usage: porter-connect ${command}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('--server, --header, --sandbox, --scenario and --timing are accepted or refused as usage errors', () => {
    const values = fc.record(
      {
        server: fc.oneof(fc.string(), fc.constant('http://127.0.0.1:3000/api'), fc.webUrl()),
        header: fc.array(fc.oneof(fc.string(), fc.constant('Authorization: Bearer x'))),
        sandbox: fc.boolean(),
        scenario: fc.oneof(fc.string(), fc.constantFrom('normal', 'rollback')),
        timing: fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .dictionary(fc.constantFrom('firstCheckMs', 'stackCreateMs', 'x'), fc.jsonValue())
            .map((object) => JSON.stringify(object)),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(values, (input) => {
        const options = input as OptionValues;
        for (const parse of [backendOption, timingOption]) {
          try {
            parse(options);
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a --timing it accepts holds only known keys with durations >= 0', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'firstCheckMs',
            'intervalMs',
            'timeoutMs',
            'stackCreateMs',
            'propagationMs',
          ),
          fc.oneof(fc.double(), fc.integer(), fc.string()),
        ),
        (object) => {
          try {
            const timing = timingOption({ timing: JSON.stringify(object) });
            for (const value of [
              ...Object.values(timing.machine),
              ...Object.values(timing.sandbox),
            ]) {
              expect(Number.isFinite(value) && value >= 0).toBe(true);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
