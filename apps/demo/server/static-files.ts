/** Serves the built app: files from the Vite output, and index.html for the app's own paths. */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** The app's file for a path, or undefined when there is none (a 404 for the caller). */
export async function staticFile(root: string, pathname: string): Promise<Response | undefined> {
  const extension = extname(pathname);
  // Paths without an extension are the app's routes (/connect, /account): the app decides.
  let relative = 'index.html';
  if (extension !== '') {
    try {
      relative = decodeURIComponent(pathname).slice(1);
    } catch {
      return undefined;
    }
  }
  const file = normalize(join(root, relative));
  if (!file.startsWith(`${normalize(root)}${sep}`)) return undefined;
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return undefined;
  }
  const hashed = relative.startsWith('assets/');
  return new Response(new Uint8Array(body), {
    headers: {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    },
  });
}
