// Vitest runs test files side by side in iframes of one page, so the focus moving to another
// file's iframe fires a real blur (and later focus) on this window at any moment, which would
// send PAGE.HIDDEN / PAGE.VISIBLE in the middle of a test. Tests say when the window gains or
// loses focus with their own (untrusted) events; the browser's own window focus changes are
// kept from the code under test. Element focus events still reach it.
for (const type of ['focus', 'blur']) {
  window.addEventListener(
    type,
    (event) => {
      if (event.isTrusted && event.target === window) event.stopImmediatePropagation();
    },
    { capture: true },
  );
}
