import { createHash } from 'node:crypto';
import { defineInputField, type Bundle } from 'zapier-platform-core';

/*
 * Idempotent creates. Zapier gives a step no id of its own run: `bundle.meta` holds the Zap's id
 * (`bundle.meta.zap.id`, deprecated in the types but still sent) and flags, and only buffered
 * creates get a per-item idempotency id. So the key is derived from what identifies "this step
 * doing this thing": the action, the Zap and the exact values the step sends — or, when the Zap
 * builder maps one, a value unique to the triggering item (the Deduplication Key field).
 *
 * What that means (README "Retries, replays and duplicates"): a step Zapier retries, a task
 * replayed from the Zap history, and a trigger event delivered twice all send the same key; for
 * 24 hours the API answers them with the first answer and does nothing again.
 */

/** The optional input that ties a create's key to the triggering item instead of its values. */
export const deduplicationKeyField = defineInputField({
  key: 'deduplicationKey',
  label: 'Deduplication Key',
  required: false,
  helpText:
    'Optional. Map a value that is unique to the item that started this Zap (for example the trigger\'s Event ID). ' +
    'Runs with the same key within 24 hours happen once. Left empty, runs of this Zap with exactly the same values within 24 hours happen once.',
});

type ZapMeta = { zap?: { id?: string | number } };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The Idempotency-Key of one create: `zapier-<action>-<digest>` (the API takes up to 255 printable characters). */
export function idempotencyKeyFor(bundle: Bundle, action: string, body: Record<string, unknown>): string {
  const zapId = (bundle.meta as ZapMeta | undefined)?.zap?.id ?? null;
  const mapped = bundle.inputData.deduplicationKey;
  const identity = typeof mapped === 'string' && mapped.trim() !== '' ? { deduplicationKey: mapped.trim() } : { body };
  return `zapier-${action}-${sha256(JSON.stringify([action, zapId === null ? null : String(zapId), identity])).slice(0, 48)}`;
}

/** The output field every create has: whether the API answered with an earlier run's result. */
export const REPLAY_OUTPUT_FIELD = { key: 'isRepeat', label: 'Is Repeat of an Earlier Run', type: 'boolean' } as const;
