import { createHash, randomInt } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PREFIX = 'nhx_sk_';
const RANDOM_LENGTH = 40; // ≈ 238 bits
const DISPLAY_LENGTH = KEY_PREFIX.length + 6;

/** Anything that could be one of our keys: checked before touching the database. */
export const API_KEY_PATTERN = /^nhx_sk_[A-Za-z0-9]{32,128}$/;

/** A fresh secret key: `nhx_sk_` + 40 base62 characters from the CSPRNG (randomInt avoids modulo bias). */
export function generateApiKey(): string {
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += BASE62[randomInt(BASE62.length)];
  return `${KEY_PREFIX}${random}`;
}

/**
 * The stored form of a key. A fast unsalted SHA-256 is enough here (unlike for
 * passwords): the key carries ~238 bits of randomness, so neither brute force nor
 * precomputed tables can invert the hash, and a fast hash keeps per-request auth cheap.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The part shown in key lists (`nhx_sk_Ab12Cd`): enough to tell keys apart, useless to an attacker. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_LENGTH);
}
