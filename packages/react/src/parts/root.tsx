import {
  type CloudConnectSnapshot,
  type CloudConnectStep,
  selectStep,
} from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import { forwardRef, useEffect, useRef } from 'react';
import { useCloudConnectContext } from '../cloud-connect-context';
import { composeRefs, type PartProps, partAttributes, renderPart, usePart } from './part';

/** The element around a flow: `data-state` carries the step, for CSS. */
export const Root = forwardRef<HTMLDivElement, PartProps<'div'>>(function Root(props, ref) {
  const { api } = usePart();
  return renderPart('div', api.getRootProps(), props, ref);
});

/** The screens of the flow: focus moves to the heading when the user reaches a new one. */
export type CloudConnectStage =
  | 'account'
  | 'launch'
  | 'connected'
  | 'revoke'
  | 'revoked'
  | 'failed';

const STAGES: Record<CloudConnectStep, CloudConnectStage> = {
  editing: 'account',
  creatingSession: 'account',
  sessionFailed: 'account',
  ready: 'launch',
  verifying: 'launch',
  timedOut: 'launch',
  connected: 'connected',
  accessLost: 'connected',
  checkingBlockers: 'revoke',
  blockersUnknown: 'revoke',
  blocked: 'revoke',
  loadingLink: 'revoke',
  deletingStack: 'revoke',
  confirming: 'revoke',
  revoked: 'revoked',
  failed: 'failed',
};

/** The screen a snapshot is on (a selector, for `useCloudConnectSelector`). */
export const selectStage = (snapshot: CloudConnectSnapshot): CloudConnectStage =>
  STAGES[selectStep(snapshot)];

// The stage each actor started on, and whether the user has left it: headings take focus only
// after that, never on page load (which would scroll the page to the flow).
const journeys = new WeakMap<object, { first: CloudConnectStage; moved: boolean }>();

/**
 * A step's heading (`h2` unless `asChild`), focusable by script only: when the flow reaches a new
 * screen, focus moves here, so screen reader and keyboard users start reading at the new step.
 */
export const Heading = forwardRef<HTMLHeadingElement, PartProps<'h2'>>(
  function Heading(props, ref) {
    const { actor } = useCloudConnectContext();
    const { step } = usePart();
    const stage = useSelector(actor, selectStage);
    const own = useRef<HTMLHeadingElement>(null);

    useEffect(() => {
      const journey = journeys.get(actor) ?? { first: stage, moved: false };
      journeys.set(actor, journey);
      journey.moved ||= journey.first !== stage;
      if (journey.moved) own.current?.focus();
    }, [actor, stage]);

    return renderPart(
      'h2',
      { ...partAttributes('heading', step), tabIndex: -1 },
      props,
      composeRefs(own, ref),
    );
  },
);
