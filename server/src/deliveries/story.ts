import { eventCatalog, type EventType } from '@nebulahex/shared';
import type { Config } from '../config.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { createWorkspace, type WorkspaceFixture } from '../testing/fixtures.js';
import { waitFor } from '../testing/wait.js';
import type { DeliveryOut } from './schema.js';
import { startTestReceiver, type TestReceiver } from './test-receiver.js';

/** Short delays so retries happen within a test; http and 127.0.0.1 receivers allowed. */
export const FAST_WEBHOOKS: Partial<Config> = {
  WEBHOOK_ALLOW_HTTP: true,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: true,
  WEBHOOK_RETRY_SCHEDULE: [0.3, 0.3],
  WEBHOOK_RETRY_JITTER: 0,
  WEBHOOK_TIMEOUT_MS: 1_000,
  WEBHOOK_SWEEP_SECONDS: 0.5,
  RATE_LIMIT_MAX: 10_000, // the tests poll the API
};

export interface WebhookStory {
  app: TestApp;
  receiver: TestReceiver;
  workspace: WorkspaceFixture;
  /** A JSON request to the public API as the workspace's admin key. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** POST /hooks; returns the 201 body. */
  subscribe(input: { event: EventType; path?: string; botId?: string; targetUrl?: string }): Promise<{ id: string; signingSecret: string; [key: string]: unknown }>;
  /** Internal POST /events with the catalog sample data (`data` overrides); returns the event id. */
  publish(type: EventType, data?: Record<string, unknown>, id?: string): Promise<string>;
  /** Waits until `count` requests reached `path`. */
  waitForRequests(path: string, count: number, timeoutMs?: number): Promise<void>;
  /** Waits until the hook's deliveries match `predicate`. */
  waitForDeliveries(hookId: string, predicate: (deliveries: DeliveryOut[]) => boolean, message: string, timeoutMs?: number): Promise<DeliveryOut[]>;
  close(): Promise<void>;
}

/** A running app with a real receiver and a workspace: the setting of every delivery test. */
export async function startWebhookStory(config: Partial<Config> = {}, options: { startScheduler?: boolean } = {}): Promise<WebhookStory> {
  const app = await startTestApp({ config: { ...FAST_WEBHOOKS, ...config }, startScheduler: options.startScheduler ?? true });
  const receiver = await startTestReceiver();
  const workspace = await createWorkspace(app);
  const api: WebhookStory['api'] = async (method, path, body) => {
    const response = await app.request(`/api/v1${path}`, {
      method,
      headers: { ...workspace.auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('json');
    return { status: response.status, body: isJson && text ? JSON.parse(text) : text };
  };
  return {
    app,
    receiver,
    workspace,
    api,
    async subscribe({ event, path = '/hook', botId, targetUrl }) {
      const { status, body } = await api('POST', '/hooks', { event, targetUrl: targetUrl ?? receiver.url(path), ...(botId ? { botId } : {}) });
      if (status !== 201) throw new Error(`POST /hooks answered ${status}: ${JSON.stringify(body)}`);
      return body;
    },
    async publish(type, data = {}, id) {
      const response = await app.request('/internal/v1/events', {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ workspaceId: workspace.workspaceId, type, data: { ...eventCatalog[type].sample, ...data }, ...(id ? { id } : {}) }),
      });
      const body = (await response.json()) as { id: string };
      if (response.status !== 202) throw new Error(`POST /internal/v1/events answered ${response.status}: ${JSON.stringify(body)}`);
      return body.id;
    },
    async waitForRequests(path, count, timeoutMs = 10_000) {
      await waitFor(() => receiver.on(path).length >= count, { timeoutMs, message: `${count} request(s) on ${path}` });
    },
    async waitForDeliveries(hookId, predicate, message, timeoutMs = 10_000) {
      return waitFor(
        async () => {
          const { body } = await api('GET', `/hooks/${hookId}/deliveries?limit=100`);
          const deliveries = body.deliveries as DeliveryOut[];
          return predicate(deliveries) ? deliveries : null;
        },
        { timeoutMs, message, intervalMs: 50 },
      );
    },
    async close() {
      await receiver.close();
      await app.close();
    },
  };
}
