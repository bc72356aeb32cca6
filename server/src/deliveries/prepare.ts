import { signWebhook } from '@nebulahex/shared';
import type { Encryptor } from '../crypto/encryption.js';
import type { EventDoc } from '../events/model.js';
import { presentEvent } from '../events/presenter.js';
import { openHeaders } from '../hooks/headers.js';
import type { HookDoc } from '../hooks/model.js';
import type { DeliveryDoc } from './model.js';
import type { SendRequest } from './sender.js';

const USER_AGENT = 'NebulaHex-Webhooks/1.0';

/** How many opened values one process keeps per encryptor: far more than the endpoints a worker sends to at once. */
export const OPENED_LIMIT = 4096;
const openers = new WeakMap<Encryptor, Encryptor>();

/**
 * The encryptor, decrypting each sealed endpoint value (signing secret, custom headers) once, not
 * per attempt (AES-GCM setup was ~2 % of the server's CPU at saturation). The key is the sealed
 * text itself: every encryption has a fresh IV, so a rotated secret or edited headers are a new
 * key and a stale value can never be returned. Bounded: the oldest entry leaves when full.
 */
function openingOnce(encryptor: Encryptor): Encryptor {
  let once = openers.get(encryptor);
  if (!once) {
    const values = new Map<string, string>();
    once = {
      encrypt: (plain) => encryptor.encrypt(plain),
      decrypt: (sealed) => {
        let plain = values.get(sealed);
        if (plain === undefined) {
          plain = encryptor.decrypt(sealed);
          if (values.size >= OPENED_LIMIT) values.delete(values.keys().next().value as string);
          values.set(sealed, plain);
        }
        return plain;
      },
    };
    openers.set(encryptor, once);
  }
  return once;
}

export const openSealed = (encryptor: Encryptor, sealed: string): string => openingOnce(encryptor).decrypt(sealed);

/** The secrets that sign now: the current one, and a rotated-out one until its overlap ends. */
export function activeSecrets(hook: Pick<HookDoc, 'secrets'>, encryptor: Encryptor, now = new Date()): string[] {
  return hook.secrets.filter((secret) => secret.expiresAt === null || secret.expiresAt > now).map((secret) => openSealed(encryptor, secret.sealed));
}

/**
 * The signed request of one attempt. The body is serialised once and signed as sent;
 * `webhook-id` is the event id so receivers can deduplicate across attempts and replays.
 * The endpoint's custom headers (a receiver's credential) are unsealed here (once per sealed value, see openingOnce).
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
      ...openHeaders(openingOnce(encryptor), hook.sealedHeaders),
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
