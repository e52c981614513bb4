import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import './window-focus';

// Testing Library cleans up by itself only when Vitest's globals are on; here they are not.
afterEach(cleanup);

// findBy* and waitFor: a loaded 2-core machine runs the browser projects side by side, and the
// default second is too short there.
configure({ asyncUtilTimeout: 10_000 });
