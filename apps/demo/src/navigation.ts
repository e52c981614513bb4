/** The app's two pages, addressed by path; links change the path without a page load. */
import { type MouseEvent, useSyncExternalStore } from 'react';

export type PageName = 'connect' | 'account';

const PATHS: Record<PageName, string> = { connect: '/connect', account: '/account' };

function subscribe(onChange: () => void) {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

/** The page the address names (the Connect page for any other path). */
export function usePage(): PageName {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  return path === PATHS.account ? 'account' : 'connect';
}

/** Props of a link to a page: a real link (new tab, copy), followed in place on a plain click. */
export function pageLinkProps(page: PageName) {
  return {
    href: PATHS[page],
    onClick(event: MouseEvent<HTMLAnchorElement>) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
        return;
      event.preventDefault();
      navigate(page);
    },
  };
}

/** Goes to a page (a history entry, so Back works). */
export function navigate(page: PageName): void {
  window.history.pushState(null, '', PATHS[page]);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
