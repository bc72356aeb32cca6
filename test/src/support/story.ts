import { eventCatalog, type EventType } from '@nebulahex/shared';
import {
  callApi,
  createBot,
  createConversation,
  createWorkspace,
  startTestApp,
  startTestReceiver,
  waitFor,
  type ApiAnswer,
  type ReceivedRequest,
  type TestApp,
  type TestReceiver,
  type WorkspaceFixture,
} from '@nebulahex/server/testing';

export interface Story {
  app: TestApp;
  receiver: TestReceiver;
  workspace: WorkspaceFixture;
  /** A public API call as the workspace's admin key. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<ApiAnswer>;
  /** A bot and one conversation with it, through the internal API. */
  botWithConversation(): Promise<{ botId: string; conversationId: string }>;
  /** The bot engine reports an event (internal POST /events, catalog sample data with `data` over it); returns its id. */
  publish(type: EventType, data: Record<string, unknown>): Promise<string>;
  /** Waits for the receiver to get event `eventId` on `path`, and returns that request. */
  waitForDelivery(path: string, eventId: string): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/**
 * The whole platform on one machine: the real app on a fresh database with its scheduler
 * running, a real receiver on 127.0.0.1, and a workspace with its key.
 */
export async function startStory(): Promise<Story> {
  const app = await startTestApp({
    config: {
      WEBHOOK_ALLOW_HTTP: true,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: true,
      WEBHOOK_TIMEOUT_MS: 2_000,
      WEBHOOK_RETRY_SCHEDULE: [0.3, 0.3],
      WEBHOOK_RETRY_JITTER: 0,
      WEBHOOK_SWEEP_SECONDS: 0.5,
      RATE_LIMIT_MAX: 10_000, // the story polls the API
    },
    startScheduler: true,
  });
  const receiver = await startTestReceiver();
  const workspace = await createWorkspace(app, 'Acme Support');
  const api: Story['api'] = (path, { method = 'GET', body } = {}) => callApi(app, path, { method, headers: workspace.auth, body });
  return {
    app,
    receiver,
    workspace,
    api,
    async botWithConversation() {
      const bot = await createBot(app, workspace.workspaceId, { name: `Website Assistant ${receiver.requests.length}` });
      const conversation = await createConversation(app, workspace.workspaceId, bot.id, { channel: 'web' });
      return { botId: bot.id, conversationId: conversation.id };
    },
    async publish(type, data) {
      const response = await app.request('/internal/v1/events', {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ workspaceId: workspace.workspaceId, type, data: { ...eventCatalog[type].sample, ...data } }),
      });
      const text = await response.text();
      if (response.status !== 202) throw new Error(`POST /internal/v1/events answered ${response.status}: ${text}`);
      return (JSON.parse(text) as { id: string }).id;
    },
    waitForDelivery: (path, eventId) =>
      waitFor(() => receiver.on(path).find((request) => request.headers['webhook-id'] === eventId), {
        timeoutMs: 10_000,
        message: `event ${eventId} on ${path}`,
      }),
    async close() {
      await receiver.close();
      await app.close();
    },
  };
}
