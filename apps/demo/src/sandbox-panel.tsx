/**
 * The sandbox panel (sandbox mode only): what the local AWS simulates, which account its
 * console is signed in to, and its clock, moved forward so nobody waits for a stack.
 */
import { formatAccountId } from '@porter/cloud-connect';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { demoApi, type SandboxState } from './demo-api';

const SCENARIO_LABELS: Record<string, string> = {
  normal: 'Normal',
  rollback: 'Stack creation fails and rolls back',
  'no-external-id': 'Role trusts Porter without the ExternalId',
  throttle: 'AWS throttles every third call',
  'slow-propagation': 'IAM takes long to propagate the role',
};

export function SandboxPanel(): ReactNode {
  const [state, setState] = useState<SandboxState | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const scenarioId = useId();
  const accountId = useId();

  const apply = (change: Promise<SandboxState>) =>
    change.then(
      (next) => {
        setState(next);
        setProblem(null);
      },
      (error: Error) => setProblem(error.message),
    );
  // Read again whenever the person comes back: the console's own switcher may have changed it.
  useEffect(() => {
    const refresh = () =>
      demoApi.sandbox().then(setState, (error: Error) => setProblem(error.message));
    void refresh();
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, []);

  return (
    <aside className="sandbox-panel" aria-labelledby="sandbox-heading">
      <h2 id="sandbox-heading">Sandbox</h2>
      <p className="muted">
        A local AWS stands in for the real one. Connect account{' '}
        <strong>{state ? formatAccountId(state.customerAccountId) : '…'}</strong>.
      </p>
      {problem && (
        <p className="alert" role="alert">
          {problem}
        </p>
      )}
      {state && (
        <>
          <div className="panel-field">
            <label htmlFor={scenarioId}>Scenario</label>
            <select
              id={scenarioId}
              value={state.scenario}
              onChange={(event) => void apply(demoApi.setScenario(event.target.value))}
            >
              {state.scenarios.map((scenario) => (
                <option key={scenario} value={scenario}>
                  {SCENARIO_LABELS[scenario] ?? scenario}
                </option>
              ))}
            </select>
          </div>
          <div className="panel-field">
            <label htmlFor={accountId}>Console signed in to</label>
            <select
              id={accountId}
              value={state.signedInAccount}
              data-signed-in={state.signedInAccount}
              onChange={(event) => void apply(demoApi.signInToConsole(event.target.value))}
            >
              {state.accounts.map((account) => (
                <option key={account.id} value={account.id}>
                  {formatAccountId(account.id)} ({account.label})
                </option>
              ))}
            </select>
          </div>
          <fieldset className="panel-field">
            <legend>Sandbox clock</legend>
            <div className="button-row">
              <button
                type="button"
                className="button button-small"
                onClick={() => void apply(demoApi.advanceClock(10_000))}
              >
                +10 s
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={() => void apply(demoApi.advanceClock(60_000))}
              >
                +1 min
              </button>
            </div>
            <p className="muted small" aria-live="polite">
              {state.clockOffsetMs === 0
                ? 'On time.'
                : `${Math.round(state.clockOffsetMs / 1000)} s ahead of your clock.`}
            </p>
          </fieldset>
          <a className="panel-link" href={state.consoleUrl} target="_blank" rel="noreferrer">
            Open the sandbox console
          </a>
        </>
      )}
    </aside>
  );
}
