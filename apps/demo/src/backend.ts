import { createHttpBackend } from '@porter/cloud-connect';

/** Cloud Connect's routes on the demo's server; the sign-in cookie goes with every call. */
export const backend = createHttpBackend({ baseUrl: '/api/cloud-connect' });
