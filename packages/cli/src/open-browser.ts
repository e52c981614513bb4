import { spawn } from 'node:child_process';
import type { CliIo } from './io';

/**
 * The command that opens a URL in the desktop's browser, or null where none can be opened
 * (no terminal, a headless Linux, or `PORTER_CONNECT_NO_OPEN` set).
 */
export function browserCommand(
  io: CliIo,
  platform: NodeJS.Platform = process.platform,
): { file: string; args: (url: string) => string[]; verbatim?: boolean } | null {
  if (io.stdout.isTTY !== true || io.env.PORTER_CONNECT_NO_OPEN) return null;
  if (platform === 'darwin') return { file: 'open', args: (url) => [url] };
  // `start` is a cmd built-in; its first quoted argument is a window title. The URL is quoted
  // verbatim, or cmd would split it at `&` (a URL never holds a raw `"`).
  if (platform === 'win32') {
    return { file: 'cmd', args: (url) => ['/c', 'start', '""', `"${url}"`], verbatim: true };
  }
  if (!io.env.DISPLAY && !io.env.WAYLAND_DISPLAY) return null;
  return { file: 'xdg-open', args: (url) => [url] };
}

/**
 * Opens `url` in a browser where one can be opened. Resolves whether it was handed to one;
 * the link is printed either way, so a missing opener is not an error.
 */
export function openInBrowser(io: CliIo, url: string): Promise<boolean> {
  const command = browserCommand(io);
  if (!command) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(command.file, command.args(url), {
      stdio: 'ignore',
      detached: true,
      windowsVerbatimArguments: command.verbatim === true,
    });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
