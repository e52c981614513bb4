import {
  type CloudConnectActor,
  type CloudConnectSnapshot,
  type CloudConnectStep,
  type ErrorInfo,
  localizeAccountIdError,
  localizeError,
  selectAccountId,
  selectAccountIdError,
  selectError,
  selectIsChecking,
  selectStatus,
  selectStep,
  shallowEqual,
  statusMessage,
} from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import { useCloudConnectContext } from './cloud-connect-context';

/**
 * A value of the flow of the nearest `CloudConnect.Provider`, through a selector (core's
 * `select*` or your own): the component re-renders only when the value changes (`===`, or
 * `compare`). Return primitives or references the context holds, not new objects.
 *
 * @example
 * const attempts = useCloudConnectSelector(selectAttempts);
 */
export function useCloudConnectSelector<T>(
  selector: (snapshot: CloudConnectSnapshot) => T,
  compare?: (a: T, b: T) => boolean,
): T {
  return useSelector(useCloudConnectContext().actor, selector, compare);
}

/** The actor of the nearest `CloudConnect.Provider`, to send events (`actor.send`). */
export function useCloudConnectActorRef(): CloudConnectActor {
  return useCloudConnectContext().actor;
}

/** The step the user is on (`editing`, `ready`, `verifying`, `connected`, ...). */
export function useCloudConnectStep(): CloudConnectStep {
  return useCloudConnectSelector(selectStep);
}

/** The account ID field: its value and its error in the host's language (null when none). */
export function useAccountIdField(): { value: string; error: string | null } {
  const { messages } = useCloudConnectContext();
  const value = useCloudConnectSelector(selectAccountId);
  const error = useCloudConnectSelector(selectAccountIdError);
  return { value, error: localizeAccountIdError(value, error, messages) };
}

/** The status line and what it is made of (step, slow, checking), in the host's language. */
export function useCloudConnectStatus(): {
  step: CloudConnectStep;
  message: string;
  isSlow: boolean;
  isChecking: boolean;
} {
  const { messages } = useCloudConnectContext();
  const status = useCloudConnectSelector(selectStatus, shallowEqual);
  const isChecking = useCloudConnectSelector(selectIsChecking);
  return {
    step: status.step,
    message: statusMessage(status, messages),
    isSlow: status.isSlow,
    isChecking,
  };
}

/** The flow's error with the host's message override applied, or null. */
export function useCloudConnectError(): ErrorInfo | null {
  const { messages } = useCloudConnectContext();
  return localizeError(useCloudConnectSelector(selectError), messages);
}
