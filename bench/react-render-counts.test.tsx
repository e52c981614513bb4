// Render counts of the React parts while the user types a 12-digit account ID: the input may
// render once per keystroke, the status, permission list and launch link not at all. The
// baseline, measured in the same run, is a page on `useCloudConnect` (one hook for the whole
// view), which renders everything on every keystroke. Runs in Chromium with the React package's
// tests (project render-counts) and prints its figures.
import { act, render, screen } from '@testing-library/react';
import { Profiler, type ReactNode } from 'react';
import { expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { CloudConnect, useCloudConnect } from '../packages/react/src';
import { createScriptedBackend } from '../packages/react/stories/scripted-backend';

const DIGITS = '123456789012';

function counter() {
  const counts: Record<string, number> = {};
  const Counted = ({ id, children }: { id: string; children: ReactNode }) => (
    <Profiler
      id={id}
      onRender={() => {
        counts[id] = (counts[id] ?? 0) + 1;
      }}
    >
      {children}
    </Profiler>
  );
  const reset = () => {
    for (const id of Object.keys(counts)) counts[id] = 0;
  };
  return { counts, Counted, reset };
}

async function typeDigits() {
  const input = screen.getByRole('textbox', { name: 'AWS account ID' });
  await userEvent.click(input);
  for (const digit of DIGITS) await userEvent.keyboard(digit);
  expect((input as HTMLInputElement).value).toBe(DIGITS);
}

it('typing 12 digits renders the input at most 12 times and the status, permission and link parts never', async () => {
  const { counts, Counted, reset } = counter();
  const view = render(
    <CloudConnect.Provider backend={createScriptedBackend()}>
      <CloudConnect.AccountIdForm>
        <CloudConnect.AccountIdLabel />
        <Counted id="input">
          <CloudConnect.AccountIdInput />
        </Counted>
        <Counted id="error">
          <CloudConnect.AccountIdError />
        </Counted>
      </CloudConnect.AccountIdForm>
      <Counted id="status">
        <CloudConnect.VerificationStatus />
      </Counted>
      <Counted id="permissions">
        <CloudConnect.PermissionList />
      </Counted>
      <Counted id="link">
        <CloudConnect.LaunchStackLink />
      </Counted>
    </CloudConnect.Provider>,
  );
  await act(async () => {});
  reset();
  await typeDigits();
  view.unmount();

  const baseline = counter();
  function WholeView() {
    const flow = useCloudConnect({ backend: createScriptedBackend() });
    return (
      <form {...flow.getFormProps()}>
        {/* biome-ignore lint/a11y/noLabelWithoutControl: getLabelProps() carries htmlFor */}
        <label {...flow.getLabelProps()}>AWS account ID</label>
        <input {...flow.getAccountIdInputProps()} />
        <p {...flow.getStatusProps()}>{flow.statusMessage}</p>
        <a {...flow.getLaunchLinkProps()}>Open the AWS console</a>
      </form>
    );
  }
  render(
    <baseline.Counted id="view">
      <WholeView />
    </baseline.Counted>,
  );
  await act(async () => {});
  baseline.reset();
  await typeDigits();

  console.log(
    [
      `renders while typing ${DIGITS.length} digits`,
      `  parts: input ${counts.input}, account ID error ${counts.error}, status ${counts.status}, permission list ${counts.permissions}, launch link ${counts.link}`,
      `  baseline (useCloudConnect, one hook for the view): whole view ${baseline.counts.view}`,
    ].join('\n'),
  );
  expect(counts.input).toBeLessThanOrEqual(DIGITS.length);
  expect(counts.status).toBe(0);
  expect(counts.permissions).toBe(0);
  expect(counts.link).toBe(0);
});
