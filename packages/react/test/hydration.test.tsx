import { createCloudConnect } from '@porter/cloud-connect';
import { act } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { ExamplePage } from '../stories/example-page';
import { createScriptedBackend, SCRIPTED_ACCOUNT_ID } from '../stories/scripted-backend';

afterEach(() => sessionStorage.clear());

async function hydrate(persist?: string) {
  const page = <ExamplePage backend={createScriptedBackend()} {...(persist && { persist })} />;
  const container = document.createElement('main');
  container.innerHTML = renderToString(page);
  document.body.append(container);
  const root = await act(async () => hydrateRoot(container, page));
  return { container, unmount: () => act(() => root.unmount()) };
}

it('hydrates the server HTML without a warning', async () => {
  const errors = vi.spyOn(console, 'error');
  const { container, unmount } = await hydrate();
  expect(container.querySelector('[data-part="account-id-input"]')).not.toBeNull();
  expect(errors).not.toHaveBeenCalled();
  unmount();
  container.remove();
  errors.mockRestore();
});

it('hydrates first, then restores a saved flow (no mismatch with the server HTML)', async () => {
  // A flow an earlier visit saved on the launch step.
  const earlier = createCloudConnect({ backend: createScriptedBackend() }).start();
  earlier.send({ type: 'ACCOUNT_ID.CHANGE', value: SCRIPTED_ACCOUNT_ID });
  earlier.send({ type: 'ACCOUNT_ID.SUBMIT' });
  await waitFor(earlier, (snapshot) => snapshot.context.session !== null);
  sessionStorage.setItem('cc-hydrate', JSON.stringify(earlier.getPersistedSnapshot()));
  earlier.stop();

  const errors = vi.spyOn(console, 'error');
  const { container, unmount } = await hydrate('cc-hydrate');
  await vi.waitFor(
    () =>
      expect(container.querySelector('[data-part="root"]')?.getAttribute('data-state')).toBe(
        'ready',
      ),
    { timeout: 10_000 },
  );
  expect(errors).not.toHaveBeenCalled();
  unmount();
  container.remove();
  errors.mockRestore();
});
