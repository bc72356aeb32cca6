import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signing, both header schemes of ARCHITECTURE §6:
 * - Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256("<id>.<timestamp>.<body>")>`;
 * - NebulaHex: `X-NebulaHex-Signature: sha256=<hex HMAC-SHA256("<timestamp>.<body>")>`.
 * The HMAC key is the base64-decoded part of the `whsec_…` secret.
 */
const SECRET_PREFIX = 'whsec_';
/** How far a signature's timestamp may be from the receiver's clock, either way, before the delivery is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A new secret: `whsec_` followed by base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** Also accepts the bare base64 (without `whsec_`), as the Standard Webhooks libraries do. */
function signingKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  // Never echo the secret: this message may reach a log.
  if (key.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new TypeError('The signing secret is not whsec_<base64>.');
  return key;
}

const hmac = (secret: string, content: string) => createHmac('sha256', signingKey(secret)).update(content, 'utf8').digest();
const standardSignature = (secret: string, id: string, timestamp: number, body: string) =>
  `v1,${hmac(secret, `${id}.${timestamp}.${body}`).toString('base64')}`;
const nebulaHexSignature = (secret: string, timestamp: number, body: string) =>
  `sha256=${hmac(secret, `${timestamp}.${body}`).toString('hex')}`;

/**
 * The signature headers of one attempt. `secrets` are the subscription's active
 * secrets, newest first; each gets one space-separated entry in both signature headers,
 * so a receiver holding either secret verifies during a rotation.
 */
export function signWebhook(input: { id: string; timestamp: number; body: string; secrets: string[] }): Record<string, string> {
  const { id, timestamp, body, secrets } = input;
  if (secrets.length === 0) throw new TypeError('signWebhook needs at least one secret.');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError('The timestamp must be whole Unix seconds.');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => standardSignature(secret, id, timestamp, body)).join(' '),
    'X-NebulaHex-Timestamp': String(timestamp),
    'X-NebulaHex-Signature': secrets.map((secret) => nebulaHexSignature(secret, timestamp, body)).join(' '),
  };
}

export type VerifyResult = { valid: true } | { valid: false; reason: 'missing_headers' | 'timestamp_out_of_tolerance' | 'bad_signature' };

type Headers = Record<string, string | string[] | undefined>;

/** Header lookup in any case; a repeated header's values are joined with spaces. */
function headerReader(headers: Headers): (name: string) => string | undefined {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return (name) => {
    const value = lower.get(name);
    return Array.isArray(value) ? value.join(' ') : value;
  };
}

/** Constant-time match of `expected` against each space-separated entry of `list`. */
function anyEntryMatches(list: string, expected: string): boolean {
  const wanted = Buffer.from(expected, 'utf8');
  let matched = false;
  for (const entry of list.split(' ')) {
    const candidate = Buffer.from(entry, 'utf8');
    if (candidate.length === wanted.length && timingSafeEqual(candidate, wanted)) matched = true;
  }
  return matched;
}

interface SignedParts {
  timestamp: string;
  signatures: string;
  expected: (timestamp: number) => string;
}

/** Picks the Standard Webhooks headers when present, else the NebulaHex ones. */
function signedParts(header: (name: string) => string | undefined, body: string, secret: string): SignedParts | undefined {
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (id && timestamp && signatures) return { timestamp, signatures, expected: (ts) => standardSignature(secret, id, ts, body) };
  const ownTimestamp = header('x-nebulahex-timestamp');
  const ownSignatures = header('x-nebulahex-signature');
  if (ownTimestamp && ownSignatures) {
    return { timestamp: ownTimestamp, signatures: ownSignatures, expected: (ts) => nebulaHexSignature(secret, ts, body) };
  }
  return undefined;
}

/**
 * Verifies a delivery signed by `signWebhook` with either header scheme (Standard
 * Webhooks preferred). Valid when any one signature entry matches `secret` and the
 * timestamp is within `toleranceSeconds` (default 300) of `now` in either direction.
 * A timestamp that is not whole seconds counts as a missing header.
 * @throws TypeError when `secret` itself is not `whsec_<base64>` (a configuration error, not a bad request).
 */
export function verifyWebhook(input: {
  headers: Headers;
  body: string;
  secret: string;
  toleranceSeconds?: number;
  now?: number;
}): VerifyResult {
  const parts = signedParts(headerReader(input.headers), input.body, input.secret);
  if (!parts || !/^\d{1,15}$/.test(parts.timestamp)) return { valid: false, reason: 'missing_headers' };
  const timestamp = Number(parts.timestamp);
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { valid: false, reason: 'timestamp_out_of_tolerance' };
  }
  return anyEntryMatches(parts.signatures, parts.expected(timestamp)) ? { valid: true } : { valid: false, reason: 'bad_signature' };
}
