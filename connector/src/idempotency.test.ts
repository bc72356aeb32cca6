import { describe, expect, it } from '@jest/globals';
import type { Bundle } from 'zapier-platform-core';
import { api, appTester, buildBundle, operation, useNock } from './testing/harness.js';

useNock();

/*
 * The Idempotency-Key a create sends, as the API sees it. Zapier gives a step no run id, so the
 * key is the action, the Zap (bundle.meta.zap.id) and the values sent — or the Deduplication Key.
 */

const sendMessage = operation('creates', 'send_message');
const CONVERSATION_ID = 'cnv_684adf1c5e9b2a41d07c3e15';
const ANSWER = { messageId: 'msg_684ae1a75e9b2a41d07c3e52', conversationId: CONVERSATION_ID, sentAt: '2025-06-12T14:05:11.000Z' };

/** Runs Send Message once and answers the Idempotency-Key the API received. */
async function keySent(inputData: Record<string, string>, zapId: number | null = 4711): Promise<string> {
  let key = '';
  api()
    .post('/api/v1/actions/send-message')
    .reply(function reply() {
      key = String(this.req.headers['idempotency-key'] ?? '');
      return [201, ANSWER];
    });
  const meta = (zapId === null ? {} : { zap: { id: zapId } }) as unknown as Bundle['meta'];
  await appTester(sendMessage.perform!, buildBundle({ inputData: { conversationId: CONVERSATION_ID, ...inputData }, meta }));
  return key;
}

describe('Idempotency-Key of a create', () => {
  it('is the same when Zapier retries or replays the step with the same values', async () => {
    const first = await keySent({ message: 'We are on it.' });
    expect(first).toMatch(/^zapier-send_message-[0-9a-f]{48}$/);
    expect(await keySent({ message: 'We are on it.' })).toBe(first);
  });

  it('differs for other values, another Zap, or no Zap id', async () => {
    const first = await keySent({ message: 'We are on it.' });
    expect(await keySent({ message: 'We are still on it.' })).not.toBe(first);
    expect(await keySent({ message: 'We are on it.' }, 4712)).not.toBe(first);
    expect(await keySent({ message: 'We are on it.' }, null)).not.toBe(first);
  });

  it('follows the mapped Deduplication Key instead of the values when one is given', async () => {
    const first = await keySent({ message: 'Hello', deduplicationKey: 'evt_684ae3c15e9b2a41d07c3e71' });
    expect(await keySent({ message: 'Hello again', deduplicationKey: ' evt_684ae3c15e9b2a41d07c3e71 ' })).toBe(first);
    expect(await keySent({ message: 'Hello', deduplicationKey: 'evt_684ae3c15e9b2a41d07c3e72' })).not.toBe(first);
    expect(await keySent({ message: 'Hello', deduplicationKey: '' })).toBe(await keySent({ message: 'Hello' }));
  });
});
