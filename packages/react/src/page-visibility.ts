import type { CloudConnectActor } from '@porter/cloud-connect';

/**
 * Tells the machine when the user is looking at the page: `visibilitychange` and the window's
 * `focus`/`blur` send `PAGE.VISIBLE`/`PAGE.HIDDEN` (coming back from the AWS console checks at
 * once). A page that has focus when the flow starts counts as watched from the start (a reload
 * mid-verification checks at once). Returns the function that removes the listeners.
 */
export function watchPageVisibility(actor: CloudConnectActor): () => void {
  const visible = () => actor.send({ type: 'PAGE.VISIBLE' });
  const hidden = () => actor.send({ type: 'PAGE.HIDDEN' });
  const onVisibilityChange = () => (document.visibilityState === 'visible' ? visible() : hidden());
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('focus', visible);
  window.addEventListener('blur', hidden);
  if (document.visibilityState === 'visible' && document.hasFocus()) visible();
  return () => {
    document.removeEventListener('visibilitychange', onVisibilityChange);
    window.removeEventListener('focus', visible);
    window.removeEventListener('blur', hidden);
  };
}
