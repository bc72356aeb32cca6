import { generateSigningSecret, sampleWebhookBody, signWebhook, type WebhookBody } from '@nebulahex/shared';

/** Builders for REST hook tests: a subscription as `POST /hooks` answers it, an event, a signed delivery. */

export const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/1234/abcd/';
export const BOT_ID = 'bot_6849b3a05e9b2a41d07c1a02';

export function buildSubscription(overrides: Record<string, unknown> = {}) {
  return {
    id: 'hook_684ae2b05e9b2a41d07c3e60',
    hookId: 'hook_684ae2b05e9b2a41d07c3e60',
    event: 'lead.captured',
    targetUrl: TARGET_URL,
    botId: null,
    status: 'active',
    signingSecret: generateSigningSecret(),
    createdAt: '2025-06-12T14:00:00.000Z',
    ...overrides,
  };
}

export function buildEvent(overrides: Partial<WebhookBody> = {}): WebhookBody {
  return { ...sampleWebhookBody('lead.captured'), id: 'evt_684ae3c15e9b2a41d07c3e71', test: false, workspaceId: 'ws_684ad9015e9b2a41d07c3d01', ...overrides };
}

/** The request Zapier hands to `perform`: headers as Zapier names them ("Http-" prefixed). */
export function deliveredRequest(body: WebhookBody, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
  const content = JSON.stringify(body);
  const signed = signWebhook({ id: body.id, timestamp, body: content, secrets: [secret] });
  const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [`Http-${name}`, value]));
  return { method: 'POST' as const, headers: { ...headers, 'Content-Type': 'application/json' }, content, querystring: '' };
}
