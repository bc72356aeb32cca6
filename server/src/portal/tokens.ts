import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A link or session token: a prefix and 256 random bits. */
export const newToken = (prefix: 'nhx_pl_' | 'nhx_ps_'): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/** The stored form of a token: like API keys, a fast hash suffices for 256 random bits. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const TOKEN_PATTERN = /^nhx_p[ls]_[A-Za-z0-9_-]{43}$/;

/**
 * CSRF tokens are an HMAC of the session id under a key derived from ENCRYPTION_KEY: the
 * portal reads its token from `GET /portal/session` (same origin only) and sends it as a
 * header; a cross-site page can neither read it nor compute it.
 */
export function createCsrf(encryptionKeyBase64: string) {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKeyBase64, 'base64'), Buffer.alloc(0), 'nebulahex portal csrf', 32));
  const tokenFor = (sessionId: string) => createHmac('sha256', key).update(sessionId).digest('base64url');
  return {
    tokenFor,
    matches(sessionId: string, presented: string | undefined): boolean {
      if (!presented) return false;
      const expected = createHash('sha256').update(tokenFor(sessionId)).digest();
      return timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
    },
  };
}
