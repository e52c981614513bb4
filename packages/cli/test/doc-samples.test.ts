import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The checker the root test runs (`pnpm run check:docs`), run here as CI runs it.
const CHECKER = fileURLToPath(new URL('../../../scripts/check-doc-samples.mjs', import.meta.url));

function check(...files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHECKER, ...files], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

function markdown(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'doc-samples-test-')), 'guide.md');
  writeFileSync(file, text);
  return file;
}

describe('doc samples type-check', () => {
  it('fails on a sample that no longer matches the API, naming the Markdown line', async () => {
    const file = markdown(
      [
        '# Guide',
        '',
        '```ts',
        "import { parseAccountId } from '@porter/cloud-connect';",
        '',
        "const id: number = parseAccountId('123456789012');",
        '```',
        '',
      ].join('\n'),
    );
    const { code, stderr } = await check(file);
    expect(code).toBe(1);
    expect(stderr).toMatch(/guide\.md:6:7 TS2322 /);
  });

  it('passes samples that compile, skips other languages and `ts nocheck` fences', async () => {
    const file = markdown(
      [
        '```ts',
        "import { createCloudConnect, createHttpBackend } from '@porter/cloud-connect';",
        "const actor = createCloudConnect({ backend: createHttpBackend({ baseUrl: '/api' }) });",
        "actor.send({ type: 'ACCOUNT_ID.SUBMIT' });",
        '```',
        '```sh',
        'this is not TypeScript',
        '```',
        '```ts nocheck',
        "import express from 'express';",
        'partial(',
        '```',
        '```tsx',
        // A tsx sample (JSX itself needs React's types, which the React package brings).
        'const identity = <T,>(value: T): T => value;',
        '```',
      ].join('\n'),
    );
    const { code, stdout } = await check(file);
    expect(code).toBe(0);
    expect(stdout).toContain('Doc samples: 2 checked, 0 error(s).');
  });

  it("every sample in the repository's docs and READMEs compiles", async () => {
    const { code, stdout, stderr } = await check();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Doc samples: \d+ checked, 0 error\(s\)\./);
  });
});
