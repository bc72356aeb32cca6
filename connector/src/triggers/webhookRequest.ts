import { WebhookBodySchema, verifyWebhook, type CreatedHookOut, type WebhookBody } from '@nebulahex/shared';
import type { Bundle, ZObject } from 'zapier-platform-core';

/** Zapier stores what `POST /hooks` answered and hands it back as `bundle.subscribeData`. */
export type HookSubscription = CreatedHookOut;

const REFUSALS = {
  missing_headers: 'it carries no NebulaHex signature headers',
  timestamp_out_of_tolerance: 'its signature timestamp is more than 5 minutes away from now (a stale or replayed request)',
  bad_signature: 'its signature does not match this subscription\'s signing secret (a forged or altered request)',
} as const;

// Zapier prefixes the names of most inbound headers with "Http-" in `rawRequest.headers`
// (`Http-Webhook-Signature`); strip it so the shared verifier finds the headers it knows.
function unprefixedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace(/^http-/i, ''), value]));
}

function refuse(z: ZObject, reason: string): never {
  throw new z.errors.Error(`Refused a webhook that claims to come from NebulaHex: ${reason}.`, 'webhook_refused', 401);
}

/**
 * The webhook body of this invocation, after checking it was signed by NebulaHex with the
 * secret of this subscription and recently. Throws an error saying why when it was not.
 */
export function verifiedWebhookBody(z: ZObject, bundle: Bundle): WebhookBody {
  const raw = bundle.rawRequest;
  if (raw?.content === undefined) {
    // Zapier leaves the raw request out of some invocations (e.g. large payloads it stored, or
    // a replay from the Zap history) and passes only the parsed body. The bytes that were signed
    // are gone, so nothing can be verified; the body still arrived at this subscription's
    // unguessable target URL, which only NebulaHex was given, so it is accepted.
    return parseBody(z, bundle.cleanedRequest);
  }
  const secret = (bundle.subscribeData as Partial<HookSubscription> | undefined)?.signingSecret;
  if (!secret) refuse(z, 'this Zap has no signing secret to check it with; turn the Zap off and on again to renew it');
  const result = verifyWebhook({ headers: unprefixedHeaders(raw.headers ?? {}), body: raw.content, secret });
  if (!result.valid) refuse(z, REFUSALS[result.reason]);
  return parseBody(z, z.JSON.parse(raw.content));
}

function parseBody(z: ZObject, value: unknown): WebhookBody {
  const parsed = WebhookBodySchema.safeParse(value);
  if (!parsed.success) {
    throw new z.errors.Error('Received a webhook whose body is not a NebulaHex event.', 'webhook_malformed', 400);
  }
  return parsed.data;
}
