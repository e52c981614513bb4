import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_TIMEOUT_MS, type NodeListener, toNodeListener } from '../src/node-listener';
import { harness } from './support/handler-harness';
import { recordingLogger } from './support/recording-logger';

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

/** What `express.json()` does before calling the next middleware: read to the end, set req.body. */
function likeExpressJson(listener: NodeListener): NodeListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      (req as IncomingMessage & { body?: unknown }).body = text ? JSON.parse(text) : {};
      listener(req, res);
    });
  };
}

/** Sends raw bytes and reads the raw answer until the server closes the connection. */
function rawExchange(origin: string, bytes: string): Promise<string> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('toNodeListener: a body read before it', () => {
  it('answers 500 at once, and logs the cause and the fix, when express.json() ran first', async () => {
    const lines: string[] = [];
    const h = harness({ logger: recordingLogger(lines) });
    server = createServer(likeExpressJson(toNodeListener(h.handler)));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const response = await fetch(`http://127.0.0.1:${port}/api/cloud-connect/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer tenant-a', 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: '012345678901' }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: 'INTERNAL' } });
    const errors = lines.filter((line) => line.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('already read');
    expect(errors[0]).toContain('req.body was set');
    expect(errors[0]).toContain('express.json()');
    expect(errors[0]).toMatch(/Mount toNodeListener\(handler\) before any body parser/);
  });

  it('still reads a body that a parser skipped (req.body set, stream untouched)', async () => {
    const h = harness();
    const listener = toNodeListener(h.handler);
    server = createServer((req, res) => {
      // body-parser sets req.body = {} and leaves a body of another content type unread.
      (req as IncomingMessage & { body?: unknown }).body = {};
      listener(req, res);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/cloud-connect/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer tenant-a', 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: '012345678901' }),
    });
    expect(response.status).toBe(201);
  });

  it('the Fetch-API handler answers 500 and says why when a middleware read the request first', async () => {
    const lines: string[] = [];
    const h = harness({ logger: recordingLogger(lines) });
    const request = new Request('https://app.example.com/api/cloud-connect/sessions', {
      method: 'POST',
      headers: { authorization: 'Bearer tenant-a', 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: '012345678901' }),
    });
    await request.json();
    const response = await h.handler(request);
    expect(response.status).toBe(500);
    expect(lines.filter((line) => line.startsWith('error '))).toEqual([
      expect.stringContaining('request.clone()'),
    ]);
  });
});

describe('toNodeListener: request targets and slow bodies', () => {
  it('serves an absolute-form request target (GET http://host/path, RFC 9112 3.2.2)', async () => {
    const { origin } = await listen();
    const answer = await rawExchange(
      origin,
      'GET http://app.example.com/api/cloud-connect/connection HTTP/1.1\r\n' +
        'Host: app.example.com\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"connection":null}');
  });

  it('answers 408 and closes the connection when a body stalls past bodyTimeoutMs', async () => {
    const { origin } = await listen({ bodyTimeoutMs: 200 });
    // Ten of the hundred announced bytes arrive, then nothing.
    const answer = await rawExchange(
      origin,
      'POST /api/cloud-connect/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Authorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n' +
        '{"account',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
  });

  it('waits 30 seconds by default', () => {
    expect(DEFAULT_BODY_TIMEOUT_MS).toBe(30_000);
  });
});
