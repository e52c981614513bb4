import type { CloudConnectActor, CloudConnectEvent } from '@porter/cloud-connect';

/**
 * Tells the machine when the user is looking at the page: `visibilitychange` and the window's
 * `focus`/`blur` send `PAGE.VISIBLE`/`PAGE.HIDDEN` (coming back from the AWS console checks at
 * once). Returns the function that removes the listeners.
 */
export function watchPageVisibility(actor: CloudConnectActor): () => void {
  const visible = () => actor.send({ type: 'PAGE.VISIBLE' });
  // PAGE.HIDDEN arrives with core's visible-polling change; until then the machine ignores it.
  const hidden = () => actor.send({ type: 'PAGE.HIDDEN' } as unknown as CloudConnectEvent);
  const onVisibilityChange = () => (document.visibilityState === 'visible' ? visible() : hidden());
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('focus', visible);
  window.addEventListener('blur', hidden);
  return () => {
    document.removeEventListener('visibilitychange', onVisibilityChange);
    window.removeEventListener('focus', visible);
    window.removeEventListener('blur', hidden);
  };
}
