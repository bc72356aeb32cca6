import type { Connection } from 'mongoose';
import type { Encryptor } from '../crypto/encryption.js';
import { eventModel, type EventDoc } from '../events/model.js';
import { hookModel, type HookDoc } from '../hooks/model.js';
import type { DeliveryDoc } from './model.js';
import { prepareRequest } from './prepare.js';

const PER_ATTEMPT = /signature|timestamp|attempt/i;

/**
 * What a delivery sends, for people looking at it: the body as signed and the headers,
 * with per-attempt values named rather than shown and custom headers masked. Null when
 * the event or the subscription no longer exists.
 */
export async function requestView(connection: Connection, encryptor: Encryptor, delivery: DeliveryDoc): Promise<{ headers: Record<string, string>; body: string } | null> {
  const [event, hook] = await Promise.all([
    eventModel(connection).findById(delivery.eventId).lean<EventDoc>(),
    hookModel(connection).findById(delivery.subscriptionId).lean<HookDoc>(),
  ]);
  if (!event || !hook || hook.workspaceId !== delivery.workspaceId) return null;
  const sent = prepareRequest(delivery, event, hook, encryptor);
  const masked = new Map(Object.entries(hook.maskedHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const headers = Object.fromEntries(
    Object.entries(sent.headers).map(([name, value]) => [name, masked.get(name.toLowerCase()) ?? (PER_ATTEMPT.test(name) ? '(set for each attempt)' : value)]),
  );
  return { headers, body: sent.body };
}
