import { z } from 'zod';
import type { Encryptor } from '../crypto/encryption.js';

/**
 * Custom headers an endpoint's receiver expects (an `Authorization` bearer or basic
 * credential, an API key header). The values are credentials: stored sealed, shown only
 * masked, never logged. Headers the platform itself sets cannot be overridden.
 */
const RESERVED = /^(content-type|content-length|host|user-agent|connection|transfer-encoding|keep-alive|upgrade|te|trailer|webhook-.*|x-nebulahex-.*)$/i;

export const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'must be an HTTP header name (letters, digits and -)')
  .refine((name) => !RESERVED.test(name), 'is set by NebulaHex on every delivery and cannot be replaced');
export const HeaderValue = z.string().min(1).max(4096).regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'must be printable text on one line');
export const MAX_HEADERS = 10;

export type HeaderSet = Record<string, string>;

/** Enough of a value to tell two apart, never enough to use: `Bear••••`. */
export function maskHeaderValue(value: string): string {
  return `${value.slice(0, Math.min(4, Math.floor(value.length / 4)))}••••`;
}

export function maskHeaders(headers: HeaderSet): HeaderSet {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskHeaderValue(value)]));
}

/** The sealed form kept on the hook (null when there are none). */
export function sealHeaders(encryptor: Encryptor, headers: HeaderSet): string | null {
  return Object.keys(headers).length === 0 ? null : encryptor.encrypt(JSON.stringify(headers));
}

export function openHeaders(encryptor: Encryptor, sealed: string | null | undefined): HeaderSet {
  return sealed ? (JSON.parse(encryptor.decrypt(sealed)) as HeaderSet) : {};
}

/** Applies a PATCH: a name with a value sets it (case-insensitively replacing), null removes it. */
export function mergeHeaders(current: HeaderSet, changes: Record<string, string | null>): HeaderSet {
  const next = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    for (const existing of Object.keys(next)) if (existing.toLowerCase() === name.toLowerCase()) delete next[existing];
    if (value !== null) next[name] = value;
  }
  return next;
}
