import { readFileSync } from 'node:fs';
import { getStateNodes } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_PATH, renderStateDiagram } from '../../scripts/generate-state-diagram';
import { STATE_DESCRIPTIONS } from '../../src/machine/cloud-connect.descriptions';
import { cloudConnectMachine } from '../../src/machine/cloud-connect.machine';

describe('docs/state-machine.md', () => {
  it('is what the generator makes from the machine definition (regenerate it when this fails)', () => {
    const committed = readFileSync(DIAGRAM_PATH, 'utf8');
    expect(committed, 'Run: pnpm --filter @porter/cloud-connect generate:diagram').toBe(
      renderStateDiagram(),
    );
  });

  it('shows every top-level state and every event the machine accepts', () => {
    const diagram = renderStateDiagram();
    for (const state of Object.keys(cloudConnectMachine.root.states)) {
      expect(diagram).toMatch(new RegExp(`(subgraph ${state} |\\n  ${state}\\()`));
    }
    for (const event of [
      'ACCOUNT_ID.SUBMIT',
      'ACCOUNT_ID.CHANGE',
      'EDIT',
      'STACK.LAUNCHED',
      'VERIFY.NOW',
      'PAGE.VISIBLE',
      'PAGE.HIDDEN',
      'RETRY',
      'CANCEL',
      'REVOKE.START',
      'REVOKE.RECHECK',
      'REVOKE.STACK_DELETE_LAUNCHED',
      'REVOKE.CANCEL',
    ]) {
      // An edge label, or the table's "handled in place" column.
      expect(
        [`"${event}`, `\`${event}\``].some((text) => diagram.includes(text)),
        event,
      ).toBe(true);
    }
  });

  it('describes every state', () => {
    const rows = renderStateDiagram()
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(25);
    for (const row of rows) {
      const description = row.split(' | ').at(-1) ?? '';
      expect(description.length, row).toBeGreaterThan(10);
    }
  });

  it('has one description per state, and none for a state that no longer exists', () => {
    const paths = getStateNodes(cloudConnectMachine.root)
      .filter((node) => node.path.length > 0)
      .map((node) => node.path.join('.'));
    expect(Object.keys(STATE_DESCRIPTIONS).sort()).toEqual([...paths].sort());
  });

  it('keeps descriptions out of the machine that pages download', () => {
    const described = getStateNodes(cloudConnectMachine.root).filter((node) => node.description);
    expect(described.map((node) => node.path.join('.'))).toEqual([]);
  });
});
