import { z } from 'zod';

/**
 * Building blocks of the event data schemas. Ids are the platform's prefixed strings
 * (`cnv_…`); the suffix is kept loose (letters and digits) so ids minted by the bot
 * engine and by the API both pass.
 */
export const prefixedId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`), { error: `must be an id starting with "${prefix}_"` });

/** ISO-8601 in UTC with the `Z` suffix, the only form the API answers. */
export const utcTimestamp = () =>
  z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp such as 2025-03-14T09:26:53.000Z' });

export const confidenceScore = () =>
  z.number({ error: 'must be a number from 0 to 1' }).min(0, { error: 'must be at least 0' }).max(1, { error: 'must be at most 1' });

/** A short free-text field: trimmed, never empty. */
export const text = (max: number) =>
  z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

export const phoneNumber = () =>
  z
    .string()
    .trim()
    .regex(/^[+(]?[0-9][0-9 ().\-/]{1,38}[0-9]$/, { error: 'must be a phone number of 3 to 40 digits, spaces, +, -, ( or )' });

/** Where a conversation happens (`web`, `whatsapp`, …), the same rule as the API's conversations. */
export const channel = () => z.string().regex(/^[a-z0-9_-]{1,40}$/, { error: 'must be 1 to 40 lower-case letters, digits, _ or -' });
