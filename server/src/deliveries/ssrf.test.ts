import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { newId } from '../db/model.js';
import { guardedLookup } from '../net/ssrf.js';
import { createEncryptor } from '../crypto/encryption.js';
import { forgetSubscriptions } from '../hooks/cache.js';
import { hookModel } from '../hooks/model.js';
import { createSender } from './sender.js';
import { startWebhookStory, type WebhookStory } from './story.js';
import { startTestReceiver, type TestReceiver } from './test-receiver.js';

const PRODUCTION_TARGETS = { WEBHOOK_ALLOW_HTTP: true, WEBHOOK_ALLOW_PRIVATE_TARGETS: false, WEBHOOK_RETRY_SCHEDULE: [0.1] };

describe('subscribe-time SSRF guard', () => {
  let story: WebhookStory;
  beforeEach(async () => {
    story = await startWebhookStory({ ...PRODUCTION_TARGETS, WEBHOOK_ALLOW_HTTP: false });
  });
  afterEach(async () => {
    await story.close();
  });

  it('refuses http, private, loopback, metadata and localhost targets with the reason', async () => {
    const port = new URL(story.receiver.url()).port;
    const refused = [
      ['http://example.com/hook', /https/],
      ['https://127.0.0.1/hook', /private, loopback or reserved/],
      ['https://10.1.2.3/hook', /private/],
      ['https://169.254.169.254/latest/meta-data', /private/],
      ['https://[::1]/hook', /private/],
      [`https://localhost:${port}/hook`, /"localhost"/],
    ] as const;
    for (const [targetUrl, reason] of refused) {
      const { status, body } = await story.api('POST', '/hooks', { event: 'lead.captured', targetUrl });
      expect({ targetUrl, status }).toEqual({ targetUrl, status: 422 });
      expect(body.error.details).toEqual([{ field: 'targetUrl', message: expect.stringMatching(reason) }]);
    }
    expect((await story.api('GET', '/hooks')).body.hooks).toHaveLength(0);
  });
});

describe('connect-time SSRF guard', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('refuses to connect to a host name that resolves to 127.0.0.1', async () => {
    const sender = createSender({ timeoutMs: 2_000, excerptBytes: 100, lookup: guardedLookup({ allowHttp: true, allowPrivate: false }) });
    const port = new URL(receiver.url()).port;
    const result = await sender.send({ url: `http://localhost:${port}/hook`, headers: {}, body: '{}' });
    await sender.close();
    expect(result).toMatchObject({ error: expect.stringMatching(/private, loopback or reserved/) });
    expect(receiver.requests).toHaveLength(0);
  });

  /** A subscription stored as-is, as if made while its host resolved to a public address (DNS rebinding). */
  async function subscribeBypassingTheCheck(story: WebhookStory, targetUrl: string): Promise<string> {
    const hookId = newId('hook');
    const now = new Date();
    const sealed = createEncryptor(story.app.config.ENCRYPTION_KEY).encrypt(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    await hookModel(story.app.connection).create({
      _id: hookId, workspaceId: story.workspace.workspaceId, event: 'lead.captured', targetUrl,
      botId: null, secrets: [{ sealed, createdAt: now, expiresAt: null }], failuresCountedFrom: now, createdAt: now,
    });
    forgetSubscriptions(story.app.connection, story.workspace.workspaceId); // as the hook service does after a write
    return hookId;
  }

  it('fails the delivery of a subscription whose host resolves to a private address by send time', async () => {
    const story = await startWebhookStory(PRODUCTION_TARGETS);
    try {
      const port = new URL(story.receiver.url()).port;
      const hookId = await subscribeBypassingTheCheck(story, `http://localhost:${port}/hook`);
      await story.publish('lead.captured');
      const [delivery] = await story.waitForDeliveries(hookId, (list) => list[0]?.status === 'failed', 'the refused delivery to fail');
      expect(delivery?.failureReason).toMatch(/private, loopback or reserved/);
      expect(story.receiver.requests).toHaveLength(0);
    } finally {
      await story.close();
    }
  });

  it('records each refusal as a failed attempt with the reason, then retries on the normal schedule until the delivery fails', async () => {
    const story = await startWebhookStory({ ...PRODUCTION_TARGETS, WEBHOOK_RETRY_SCHEDULE: [1, 0.2] });
    try {
      const port = new URL(story.receiver.url()).port;
      const refused = 'target refused: The target host "localhost" resolves to a private, loopback or reserved address; webhooks go to public addresses only.';
      // Refused at connect time (a host name) and before sending (an IP literal, which Node never looks up): one record either way.
      for (const [targetUrl, reason] of [[`http://localhost:${port}/hook`, refused], [`http://127.0.0.1:${port}/hook`, refused.replace('"localhost"', '"127.0.0.1"')]] as const) {
        const hookId = await subscribeBypassingTheCheck(story, targetUrl);
        await story.publish('lead.captured');
        const [first] = await story.waitForDeliveries(hookId, (list) => list[0]?.attemptCount === 1, 'the first refused attempt');
        expect(first).toMatchObject({ status: 'pending', failureReason: reason, lastStatusCode: null });
        expect(Date.parse(first?.nextAttemptAt ?? '') - Date.parse(first?.updatedAt ?? '')).toBeGreaterThanOrEqual(900); // the schedule's first delay
        const [last] = await story.waitForDeliveries(hookId, (list) => list[0]?.status === 'failed', 'the retries to run out');
        const { body: detail } = await story.api('GET', `/deliveries/${last?.id}`);
        expect(detail.attempts.map((attempt: { outcome: string; error: string; statusCode: null }) => [attempt.outcome, attempt.error, attempt.statusCode])).toEqual([
          ['retry', reason, null],
          ['retry', reason, null],
          ['exhausted', reason, null],
        ]);
        expect((await story.api('GET', `/hooks/${hookId}`)).body).toMatchObject({ totalFailed: 1, consecutiveFailures: 1 });
      }
      expect(story.receiver.requests).toHaveLength(0);
    } finally {
      await story.close();
    }
  });
});
