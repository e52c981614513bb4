// Render counts of the React parts while the user types a 12-digit account ID: the input may
// render once per keystroke, the status, permission list, launch link and action buttons not at
// all. The baseline, measured in the same run, is a page on `useCloudConnect` (one hook for the
// whole view), which renders everything on every keystroke. Runs in Chromium with the React
// package's tests (project render-counts) and prints its figures.
import { act, render, screen } from '@testing-library/react';
import { Profiler, type ReactNode } from 'react';
import { expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { CloudConnect, useCloudConnect } from '../src';
import { createScriptedBackend } from '../stories/scripted-backend';

const DIGITS = '123456789012';

type Counts = Record<string, number>;

// Counts the commits in which its subtree rendered.
function Counted({ id, counts, children }: { id: string; counts: Counts; children: ReactNode }) {
  return (
    <Profiler
      id={id}
      onRender={() => {
        counts[id] = (counts[id] ?? 0) + 1;
      }}
    >
      {children}
    </Profiler>
  );
}

const reset = (counts: Counts) => {
  for (const id of Object.keys(counts)) counts[id] = 0;
};

// The baseline: one hook for the whole view, as a page without the parts would do it.
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

async function typeDigits() {
  const input = screen.getByRole('textbox', { name: 'AWS account ID' });
  await userEvent.click(input);
  for (const digit of DIGITS) await userEvent.keyboard(digit);
  expect((input as HTMLInputElement).value).toBe(DIGITS);
}

it('typing 12 digits renders the input at most 12 times and the status, permission, link and action button parts never', async () => {
  const counts: Counts = {};
  const view = render(
    <CloudConnect.Provider backend={createScriptedBackend()}>
      <CloudConnect.AccountIdForm>
        <CloudConnect.AccountIdLabel />
        <Counted counts={counts} id="input">
          <CloudConnect.AccountIdInput />
        </Counted>
        <Counted counts={counts} id="error">
          <CloudConnect.AccountIdError />
        </Counted>
      </CloudConnect.AccountIdForm>
      <Counted counts={counts} id="status">
        <CloudConnect.VerificationStatus />
      </Counted>
      <Counted counts={counts} id="permissions">
        <CloudConnect.PermissionList />
      </Counted>
      <Counted counts={counts} id="link">
        <CloudConnect.LaunchStackLink />
      </Counted>
      <Counted counts={counts} id="buttons">
        <CloudConnect.VerifyNowButton />
        <CloudConnect.EditButton />
        <CloudConnect.RecheckBlockersButton />
        <CloudConnect.CancelRevokeButton />
      </Counted>
    </CloudConnect.Provider>,
  );
  await act(async () => {});
  reset(counts);
  await typeDigits();
  view.unmount();

  const baseline: Counts = {};
  render(
    <Counted counts={baseline} id="view">
      <WholeView />
    </Counted>,
  );
  await act(async () => {});
  reset(baseline);
  await typeDigits();

  console.log(
    [
      `renders while typing ${DIGITS.length} digits`,
      `  parts: input ${counts.input}, account ID error ${counts.error}, status ${counts.status}, permission list ${counts.permissions}, launch link ${counts.link}, action buttons ${counts.buttons}`,
      `  baseline (useCloudConnect, one hook for the view): whole view ${baseline.view}`,
    ].join('\n'),
  );
  expect(counts.input).toBeLessThanOrEqual(DIGITS.length);
  expect(counts.status).toBe(0);
  expect(counts.permissions).toBe(0);
  expect(counts.link).toBe(0);
  expect(counts.buttons).toBe(0);
});
