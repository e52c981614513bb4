import {
  type CloudConnectApi,
  type CloudConnectSnapshot,
  type CloudConnectStep,
  connect,
  selectStep,
} from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import {
  Children,
  type ComponentPropsWithoutRef,
  cloneElement,
  createElement,
  type ElementType,
  isValidElement,
  type ReactElement,
  type ReactNode,
  type Ref,
  version,
} from 'react';
import { type CloudConnectContextValue, useCloudConnectContext } from '../cloud-connect-context';

/** Props every part takes: its element's own props, and `asChild`. */
export type PartProps<E extends ElementType> = ComponentPropsWithoutRef<E> & {
  /**
   * Render the one child element instead of the part's own, with the part's props merged in
   * (the child's handlers run first; its `preventDefault()` skips the part's).
   */
  asChild?: boolean;
};

type AnyProps = Record<string, unknown>;
type Handler = (event: { defaultPrevented?: boolean }) => void;

const isHandler = (key: string) => /^on[A-Z]/.test(key);

/**
 * Props of two layers merged: `outer` wins for plain values (the host overrides an attribute),
 * handlers run outer first and the inner one only if the event's default was not prevented,
 * classes and descriptions add up, styles merge.
 */
export function mergeProps(inner: object, outer: object): AnyProps {
  const merged: AnyProps = { ...inner };
  for (const [key, value] of Object.entries(outer)) {
    const own = (inner as AnyProps)[key];
    if (value === undefined) continue;
    if (isHandler(key) && typeof own === 'function' && typeof value === 'function') {
      merged[key] = (event: { defaultPrevented?: boolean }) => {
        (value as Handler)(event);
        if (!event?.defaultPrevented) (own as Handler)(event);
      };
    } else if ((key === 'className' || key === 'aria-describedby') && own && value) {
      merged[key] = `${own} ${value}`;
    } else if (key === 'style' && own && value) {
      merged[key] = { ...(own as object), ...(value as object) };
    } else merged[key] = value;
  }
  return merged;
}

// React 19 passes `ref` as a prop; React 18 keeps it on the element (and 19 warns when read there).
const refIsProp = Number(version.split('.')[0]) >= 19;

function refOf(element: ReactElement): Ref<unknown> | undefined {
  return refIsProp
    ? ((element.props as AnyProps).ref as Ref<unknown> | undefined)
    : (element as unknown as { ref?: Ref<unknown> }).ref;
}

/** One ref from several (a part's own and the host's). */
export function composeRefs<T>(...refs: (Ref<T> | undefined)[]): (node: T | null) => void {
  return (node) => {
    for (const ref of refs) {
      if (typeof ref === 'function') ref(node);
      else if (ref) (ref as { current: T | null }).current = node;
    }
  };
}

/**
 * Renders a part: its element with `ours` (from core's prop getters) under the host's props, or,
 * with `asChild`, the host's one child element with everything merged into it.
 */
export function renderPart(
  tag: ElementType,
  ours: object,
  { asChild, children, ...theirs }: { asChild?: boolean | undefined; children?: unknown },
  ref: Ref<unknown> | undefined,
  fallback?: ReactNode,
): ReactNode {
  const props = mergeProps(ours, theirs);
  if (asChild) {
    const child = Children.only(children as ReactNode);
    if (!isValidElement(child)) throw new Error('asChild needs exactly one element as its child.');
    const childProps = child.props as AnyProps;
    return cloneElement(child, {
      ...mergeProps(props, childProps),
      ref: composeRefs(ref, refOf(child)),
    } as AnyProps);
  }
  return createElement(tag, { ...props, ref }, (children as ReactNode) ?? fallback);
}

/** The data attributes of a part core has no prop getter for. */
export const partAttributes = (part: string, step: CloudConnectStep) => ({
  'data-scope': 'cloud-connect',
  'data-part': part,
  'data-state': step,
});

/** What a part reads: the view API (current snapshot) and the shared context. */
export interface PartState {
  api: CloudConnectApi;
  context: CloudConnectContextValue;
  step: CloudConnectStep;
}

/**
 * Subscribes a part to the step (every part carries `data-state`) and to what it shows, given
 * as selectors; it re-renders only when one of those changes. The props come from core's
 * `connect()` on the current snapshot, so the contract stays in one place.
 */
export function usePart(...selectors: ((snapshot: CloudConnectSnapshot) => unknown)[]): PartState {
  const context = useCloudConnectContext();
  const { actor, messages, id } = context;
  const step = useSelector(actor, selectStep);
  for (const selector of selectors) {
    // A fixed list per part, so the number of hooks never changes between renders.
    // biome-ignore lint/correctness/useHookAtTopLevel: the loop runs the same hooks every render
    useSelector(actor, selector);
  }
  return { api: connect(actor.getSnapshot(), actor.send, { messages, id }), context, step };
}
