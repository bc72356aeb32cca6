import { signWebhook } from '@nebulahex/shared';
import type { Encryptor } from '../crypto/encryption.js';
import type { EventDoc } from '../events/model.js';
import { presentEvent } from '../events/presenter.js';
import { openHeaders } from '../hooks/headers.js';
import type { HookDoc } from '../hooks/model.js';
import type { DeliveryDoc } from './model.js';
import type { SendRequest } from './sender.js';

const USER_AGENT = 'NebulaHex-Webhooks/1.0';

/** The secrets that sign now: the current one, and a rotated-out one until its overlap ends. */
export function activeSecrets(hook: Pick<HookDoc, 'secrets'>, encryptor: Encryptor, now = new Date()): string[] {
  return hook.secrets.filter((secret) => secret.expiresAt === null || secret.expiresAt > now).map((secret) => encryptor.decrypt(secret.sealed));
}

/**
 * The signed request of one attempt. The body is serialised once and signed as sent;
 * `webhook-id` is the event id so receivers can deduplicate across attempts and replays.
 * The endpoint's custom headers (a receiver's credential) are unsealed here, per attempt.
 */
export function prepareRequest(delivery: DeliveryDoc, event: EventDoc, hook: HookDoc, encryptor: Encryptor, now = new Date()): SendRequest {
  const body = JSON.stringify(presentEvent(event));
  const timestamp = Math.floor(now.getTime() / 1000);
  const signatures = signWebhook({ id: event._id, timestamp, body, secrets: activeSecrets(hook, encryptor, now) });
  return {
    url: hook.targetUrl,
    body,
    headers: {
      // The endpoint's own headers first: the platform's below cannot be replaced (hooks/headers.ts refuses their names too).
      ...openHeaders(encryptor, hook.sealedHeaders),
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...signatures,
      'X-NebulaHex-Event': event.type,
      'X-NebulaHex-Hook-Id': hook._id,
      'X-NebulaHex-Delivery-Id': delivery._id,
      'X-NebulaHex-Attempt': String(delivery.attemptCount + 1),
    },
  };
}
