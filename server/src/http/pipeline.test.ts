import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { pino } from 'pino';
import { startTestApp, type TestApp } from '../testing/index.js';
import { errorMiddleware } from './error-middleware.js';
import { requestContext } from './request-context.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

const post = (body: string, contentType = 'application/json') =>
  app.request('/anything', { method: 'POST', headers: { 'Content-Type': contentType }, body });

describe('the request pipeline', () => {
  it('answers malformed JSON with 400 and the error body', async () => {
    const response = await post('{"name": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'malformed_json', message: 'The request body is not valid JSON.' },
    });
  });

  it('answers a body over 1 MB with 413', async () => {
    const response = await post(JSON.stringify({ text: 'x'.repeat(1024 * 1024) }));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
  });

  it('accepts a body just under 1 MB (it reaches routing)', async () => {
    const response = await post(JSON.stringify({ text: 'x'.repeat(1024 * 1024 - 100) }));
    expect(response.status).toBe(404);
  });

  it('answers a non-JSON body with 415', async () => {
    const response = await post('name=bot', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(415);
    expect(await errorOf(response)).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
  });

  it('lets a POST without a body through', async () => {
    const response = await app.request('/anything', { method: 'POST' });
    expect(response.status).toBe(404);
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await app.request('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'route_not_found', message: 'GET /nope was not found.' } });
  });

  it('gives every answer a request id, keeping a sane one from the caller', async () => {
    const generated = await app.request('/healthz');
    expect(generated.headers.get('x-request-id')).toMatch(/^req_[0-9a-f-]{36}$/);
    const kept = await app.request('/healthz', { headers: { 'X-Request-Id': 'caller-42' } });
    expect(kept.headers.get('x-request-id')).toBe('caller-42');
    const replaced = await app.request('/healthz', { headers: { 'X-Request-Id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('answers CORS preflight without credentials, allowing Authorization and JSON', async () => {
    const response = await app.request('/api/v1/bots', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    // Keys travel in Authorization, never cookies, so any origin may call the API.
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
  });
});

describe('health', () => {
  it('/healthz and /readyz answer 200 when the database and scheduler are up', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, scheduler: true, sweep: { lastRunAt: null, overdue: false } } });
  });
});

describe('errorMiddleware', () => {
  it('answers an unknown error with a bare 500 that leaks nothing, and logs it with the request id', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const koa = new Koa();
    koa.silent = true;
    koa.use(requestContext(logger));
    koa.use(errorMiddleware());
    koa.use(() => {
      throw new Error('connection string mongodb://user:hunter2@db failed');
    });
    const server = koa.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(text).not.toContain('hunter2');
      const body = JSON.parse(text);
      expect(body.error.code).toBe('internal_error');
      expect(body.error.message).toContain(response.headers.get('x-request-id'));
      const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'unhandled error');
      expect(logged.requestId).toBe(response.headers.get('x-request-id'));
    } finally {
      server.close();
    }
  });
});

describe('parse', () => {
  it('names each invalid field, and an unknown key by its own name', async () => {
    const { z } = await import('zod');
    const { parse } = await import('./validate.js');
    const { ValidationError } = await import('./errors.js');
    const schema = z.strictObject({ name: z.string(), nested: z.strictObject({ count: z.number() }) });
    let thrown: unknown;
    try {
      parse(schema, { name: 7, nested: { count: 1, extra: true }, stray: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const fields = (thrown as InstanceType<typeof ValidationError>).issues.map((issue) => issue.field).sort();
    expect(fields).toEqual(['name', 'nested.extra', 'stray']);
  });
});
