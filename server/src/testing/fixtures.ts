import type { TestApp } from './app.js';

export interface WorkspaceFixture {
  workspaceId: string;
  /** The workspace's first key (admin), in full. */
  apiKey: string;
  apiKeyId: string;
  /** Headers that authenticate as that key. */
  auth: { Authorization: string };
}

export interface BotFixture {
  id: string;
  name: string;
  isActive: boolean;
  createdAt: string;
}

export interface ConversationFixture {
  id: string;
  botId: string;
  sessionId: string;
  channel: string;
  status: 'open' | 'escalated' | 'resolved';
  [field: string]: unknown;
}

type Fetcher = Pick<TestApp, 'request' | 'config'>;

/** POSTs JSON to the internal API and returns the 201 body (throws with the answer otherwise). */
export async function internalPost<T>(testApp: Fetcher, path: string, body: unknown): Promise<T> {
  const response = await testApp.request(`/internal/v1${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${testApp.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /internal/v1${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

let counter = 0;

/** A new workspace with its admin key, through the internal API. */
export async function createWorkspace(testApp: Fetcher, name = `Workspace ${++counter}`): Promise<WorkspaceFixture> {
  const created = await internalPost<{ workspace: { id: string }; apiKey: { id: string; key: string } }>(testApp, '/workspaces', { name });
  return {
    workspaceId: created.workspace.id,
    apiKey: created.apiKey.key,
    apiKeyId: created.apiKey.id,
    auth: { Authorization: `Bearer ${created.apiKey.key}` },
  };
}

/** A bot in the workspace, through the internal API. */
export async function createBot(testApp: Fetcher, workspaceId: string, overrides: { name?: string; isActive?: boolean } = {}): Promise<BotFixture> {
  return internalPost<BotFixture>(testApp, `/workspaces/${workspaceId}/bots`, { name: `Bot ${++counter}`, ...overrides });
}

/** A conversation with the bot, through the internal API. */
export async function createConversation(
  testApp: Fetcher,
  workspaceId: string,
  botId: string,
  overrides: { sessionId?: string; channel?: string } = {},
): Promise<ConversationFixture> {
  return internalPost<ConversationFixture>(testApp, `/workspaces/${workspaceId}/conversations`, { botId, ...overrides });
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; null when empty. */
  body: any; // `any` on purpose: tests index into answers freely
}

/** One public API call: `callApi(app, '/bots', { headers: w.auth })`; a `body` is sent as JSON. */
export async function callApi(
  testApp: Pick<TestApp, 'request'>,
  path: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<ApiAnswer> {
  const response = await testApp.request(`/api/v1${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}
