import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../src/node-listener';
import { harness } from './support/handler-harness';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(options: Parameters<typeof toNodeListener>[1] = {}) {
  const h = harness();
  server = createServer(toNodeListener(h.handler, options));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { h, origin: `http://127.0.0.1:${port}` };
}

describe('toNodeListener', () => {
  it('serves the handler over http.createServer, body, status and headers included', async () => {
    const { origin } = await listen();
    const response = await fetch(`${origin}/api/cloud-connect/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer tenant-a', 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: '012345678901' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('application/json');
    const { session } = (await response.json()) as { session: { accountId: string } };
    expect(session.accountId).toBe('012345678901');

    const missing = await fetch(`${origin}/api/cloud-connect/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers 413 to a streamed body over the limit without reading all of it', async () => {
    const { origin } = await listen({ maxBodyBytes: 1024 });
    const url = new URL(`${origin}/api/cloud-connect/sessions`);
    let written = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (error) => {
        // The server may close the socket while we still write: only a missing answer is a failure.
        if (written < 1024) reject(error);
      });
      const chunk = Buffer.alloc(256, 32);
      const pump = () => {
        while (written < 10 * 1024 * 1024 && !req.destroyed) {
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    expect(status).toBe(413);
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit at once', async () => {
    const { origin } = await listen({ maxBodyBytes: 10 });
    const response = await fetch(`${origin}/api/cloud-connect/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: '012345678901' }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('reads a request target starting with // as a path, not as another host', async () => {
    const { origin } = await listen();
    const url = new URL(origin);
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: url.hostname, port: url.port, path, headers: { authorization: 'Bearer t' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });

    // `//evil` would otherwise be read as a host, leaving `/api/cloud-connect/connection` as the path.
    const smuggled = await get('//evil/api/cloud-connect/connection');
    expect(smuggled.status).toBe(404);
    expect(JSON.parse(smuggled.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });

    // `//` alone is no URL relative to a base: it still gets an answer, not a dropped socket.
    const bare = await get('//');
    expect(bare.status).toBe(404);
    expect(JSON.parse(bare.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers 405 to a method the Fetch API cannot carry (TRACE), rather than dropping the socket', async () => {
    const { origin } = await listen();
    const url = new URL(origin);
    const answer = await new Promise<{ status: number; allow?: string; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: '/api/cloud-connect/connection',
            method: 'TRACE',
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(answer.status).toBe(405);
    expect(answer.allow).toBe('GET, POST');
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('survives a Host header that is not a host', async () => {
    const { origin } = await listen();
    const url = new URL(origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/cloud-connect/connection',
          headers: { host: 'bad host name with spaces', authorization: 'Bearer t' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});
