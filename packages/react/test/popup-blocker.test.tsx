import { act, render, screen } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { ExamplePage } from '../stories/example-page';
import { createScriptedBackend, SCRIPTED_ACCOUNT_ID } from '../stories/scripted-backend';

// In a file of its own: the browser grants a popup to a frame the user touched in the last few
// seconds, and this frame must have no user activation at all. Everything here is scripted.
it("falls back to the link, and says so, when Chromium's popup blocker stops window.open", async () => {
  const backend = createScriptedBackend({ createSession: { quickCreateUrl: 'about:blank' } });
  const opened = vi.spyOn(window, 'open');
  render(
    <main>
      <ExamplePage backend={backend} accountId={SCRIPTED_ACCOUNT_ID} popup />
    </main>,
  );
  const form = document.querySelector('form');
  act(() => form?.requestSubmit());
  const link = await screen.findByRole('link', { name: /Open the AWS console/ });
  act(() => link.click());
  expect(opened).toHaveBeenCalledTimes(1);
  expect(opened.mock.results[0]?.value).toBeNull();
  await vi.waitFor(() => expect(link.hasAttribute('data-popup-blocked')).toBe(true), {
    timeout: 10_000,
  });
  expect(screen.getByRole('link', { name: /blocked the new window/ }).getAttribute('href')).toBe(
    'about:blank',
  );
});
