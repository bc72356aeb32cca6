import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedRequest } from '@nebulahex/server/testing';
import type { Bundle, ZObject } from 'zapier-platform-core';

type OperationFn = (z: ZObject, bundle: Bundle) => unknown;
type Kind = 'triggers' | 'creates' | 'searches';
type AppTester = (fn: OperationFn, bundle?: Partial<Bundle>) => Promise<unknown>;

export interface ConnectedAccount {
  /** `authentication.test`, then `connectionLabel` on its result, as Zapier does when connecting. */
  connect(): Promise<{ me: any; label: string }>;
  /** Runs `<kind>.<key>.operation.<name>` with the account's auth and the given bundle. */
  run<T = any>(kind: Kind, key: string, name: string, bundle?: Partial<Bundle>): Promise<T>;
  /** Runs one of `authentication.oauth2Config`'s functions (authorizeUrl, getAccessToken, refreshAccessToken) as Zapier does. */
  oauth<T = any>(name: 'authorizeUrl' | 'getAccessToken' | 'refreshAccessToken', bundle?: Partial<Bundle>): Promise<T>;
  /** What Zapier keeps for the connection from now on (after getting or refreshing tokens). */
  setAuth(authData: Record<string, string>): void;
  /** Stops the stand-in for Zapier's cursor store. */
  close(): Promise<void>;
}

/**
 * Zapier's cursor store (behind `z.cursor`, used by paginated dropdowns) is an RPC service
 * inside Zapier that the app tester does not fake. This is a real one on 127.0.0.1, keeping
 * cursors in memory per store key as Zapier does per Zap.
 */
async function startCursorStore(): Promise<{ baseUrl: string; server: Server }> {
  const cursors = new Map<string, string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const call = JSON.parse(body) as { id: string; storeKey: string; method: string; params: string[] };
      if (call.method === 'set_cursor') cursors.set(call.storeKey, call.params[0] ?? '');
      const result = call.method === 'get_cursor' ? (cursors.get(call.storeKey) ?? null) : null;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: call.id, result }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * A Zapier account connected to the NebulaHex API at `baseUrl` with an API key (a connection made
 * before 3.0.0) or OAuth tokens (`{access_token, refresh_token}`): the connector as Zapier loads
 * it, run by Zapier's own app tester over real HTTP.
 */
export async function connectAccount(baseUrl: string, credentials: string | Record<string, string>): Promise<ConnectedAccount> {
  const cursorStore = await startCursorStore();
  // Read by zapier-platform-core when it loads, hence the dynamic imports below.
  process.env.ZAPIER_BASE_ENDPOINT = cursorStore.baseUrl;
  process.env.ZAPIER_DEPLOY_KEY ??= 'e2e-deploy-key';
  // Read by the connector on every request (connector/src/client.ts).
  process.env.NEBULAHEX_API_URL = baseUrl;
  const { default: zapier } = await import('zapier-platform-core');
  const { default: App } = await import('@nebulahex/zapier');
  const appTester = zapier.createAppTester(App) as unknown as AppTester;
  let authData: Record<string, string> = typeof credentials === 'string' ? { apiKey: credentials } : credentials;
  const oauth2Config = (App.authentication as unknown as { oauth2Config: Record<string, OperationFn> }).oauth2Config;
  const lookup = (kind: Kind, key: string, name: string): OperationFn => {
    const definitions = App[kind] as unknown as Record<string, { operation: Record<string, OperationFn | undefined> } | undefined>;
    const fn = definitions[key]?.operation[name];
    if (!fn) throw new Error(`the connector has no ${kind}.${key}.operation.${name}`);
    return fn;
  };
  const authFn = (name: 'test' | 'connectionLabel') => (App.authentication as unknown as Record<string, OperationFn>)[name] as OperationFn;
  return {
    async connect() {
      const me = await appTester(authFn('test'), { authData });
      const label = (await appTester(authFn('connectionLabel'), { authData, inputData: me as Record<string, unknown> })) as string;
      return { me, label };
    },
    oauth: async (name, bundle = {}) => (await appTester(oauth2Config[name] as OperationFn, { authData, inputData: {}, ...bundle })) as any,
    setAuth(next) {
      authData = next;
    },
    run: async (kind, key, name, bundle = {}) => (await appTester(lookup(kind, key, name), { authData, inputData: {}, ...bundle })) as any,
    async close() {
      cursorStore.server.closeAllConnections();
      cursorStore.server.close();
    },
  };
}

const UNPREFIXED = new Set(['content-type', 'content-length']);

const titleCase = (name: string) => name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('-');

/**
 * What Zapier hands a REST hook's `perform` as `bundle.rawRequest` for a request it
 * received: header names in Title-Case behind an "Http-" prefix (CGI style: Content-Type
 * and Content-Length keep their own names), and the body as received.
 */
export function zapierRawRequest(received: ReceivedRequest): NonNullable<Bundle['rawRequest']> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(received.headers)) {
    if (value === undefined) continue;
    headers[UNPREFIXED.has(name) ? titleCase(name) : `Http-${titleCase(name)}`] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: 'POST', querystring: '', headers, content: received.body };
}
