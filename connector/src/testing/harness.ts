import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import nock from 'nock';
import zapier, { type Bundle, type ZObject } from 'zapier-platform-core';
import App from '../index.js';

// nock patches Node's HTTP stack as soon as it is imported. Files that only need the app
// (the build and publishing-rules tests) import this module too, and would leave the patch
// behind for the next test file in the same jest worker: only useNock() switches it on.
nock.restore();

/** The connector runs one app for all tests, exactly as Zapier loads it. */
export const appTester = zapier.createAppTester(App);
export { App };

export const API_KEY = 'nhx_sk_test_4f1c2a9e7d3b5a6c8e0f1a2b';
/** The default base URL: tests leave NEBULAHEX_API_URL unset. */
export const API_ORIGIN = 'https://nebulahex.com';

/** Installs nock's guard rails for a test file: no real network, no interceptor leaks between tests. */
export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  // Jest may run the next test file in this same process with a fresh copy of nock; un-patching
  // Node's http here lets that copy install its own interceptor instead of finding ours in place.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/** An interceptor scope on the API that also insists on the connected account's bearer key. */
export function api(): nock.Scope {
  return nock(API_ORIGIN, { reqheaders: { authorization: `Bearer ${API_KEY}` } });
}

/** A bundle as Zapier would pass it, with the test account connected. */
export function buildBundle(overrides: Partial<Bundle> = {}): Partial<Bundle> {
  return { authData: { access_token: API_KEY, refresh_token: 'refresh-test' }, inputData: {}, ...overrides };
}

/** Zapier's AppError/ThrottledError carry JSON in `message`; this reads it back for assertions. */
export function errorDetails(error: unknown): { name: string; message: string; code?: string; status?: number; delay?: number } {
  const { name, message } = error as Error;
  try {
    return { name, ...(JSON.parse(message) as { message: string }) };
  } catch {
    // Core appends "What happened: Executing … with bundle …" to errors it may contextify
    // (HaltedError, ExpiredAuthError); the Zap builder's sentence is what comes before it.
    return { name, message: message.replace(/\nWhat happened:[\s\S]*$/, '') };
  }
}

/** Runs `run`, expecting it to throw, and returns what the error says. */
export async function caught(run: () => Promise<unknown>): Promise<ReturnType<typeof errorDetails>> {
  try {
    await run();
  } catch (error) {
    return errorDetails(error);
  }
  throw new Error('expected the operation to throw');
}

type PerformFn = (z: ZObject, bundle: Bundle) => unknown;

/** The functions of one registered operation, looked up the way Zapier does: by kind and key. */
export function operation(kind: 'triggers' | 'creates' | 'searches', key: string): Record<string, PerformFn> {
  const definitions = App[kind] as unknown as Record<string, { operation: Record<string, PerformFn> } | undefined>;
  const definition = definitions[key];
  if (!definition) throw new Error(`no ${kind} "${key}" is registered`);
  return definition.operation;
}

/** The authentication's test and connection-label functions. */
export function authFunction(name: 'test' | 'connectionLabel'): PerformFn {
  return (App.authentication as unknown as Record<string, PerformFn>)[name] as PerformFn;
}
