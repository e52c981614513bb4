// The browser sends real focus (and blur) events to the test's window when the focus moves to or
// from its iframe, e.g. when a click of userEvent focuses it: about ten a run of the suite. Each
// would send PAGE.VISIBLE / PAGE.HIDDEN in the middle of a test. Tests say when the window gains
// or loses focus with their own (untrusted) events; the browser's own window focus changes are
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
