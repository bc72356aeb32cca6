import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createEncryptor, type Encryptor } from '../crypto/encryption.js';
import { activeSecrets, OPENED_LIMIT, openSealed } from './prepare.js';

/** An encryptor that counts its decryptions. */
function counting(): Encryptor & { decrypted: number } {
  const inner = createEncryptor(randomBytes(32).toString('base64'));
  const counter = {
    decrypted: 0,
    encrypt: (plain: string) => inner.encrypt(plain),
    decrypt: (sealed: string) => {
      counter.decrypted += 1;
      return inner.decrypt(sealed);
    },
  };
  return counter;
}

describe('openSealed (endpoint secrets and headers, opened once per sealed value)', () => {
  it('decrypts a sealed value once however many attempts sign with it', () => {
    const encryptor = counting();
    const hook = { secrets: [{ sealed: encryptor.encrypt('whsec_one'), createdAt: new Date(), expiresAt: null }] };
    for (let attempt = 0; attempt < 5; attempt += 1) expect(activeSecrets(hook, encryptor)).toEqual(['whsec_one']);
    expect(encryptor.decrypted).toBe(1);
  });

  it('signs with a rotated secret at once: a new secret is a new sealed value, never served from the old entry', () => {
    const encryptor = counting();
    const old = { sealed: encryptor.encrypt('whsec_old'), createdAt: new Date(), expiresAt: null as Date | null };
    expect(activeSecrets({ secrets: [old] }, encryptor)).toEqual(['whsec_old']);
    const rotated = { secrets: [{ sealed: encryptor.encrypt('whsec_new'), createdAt: new Date(), expiresAt: null }, { ...old, expiresAt: new Date(Date.now() - 1) }] };
    expect(activeSecrets(rotated, encryptor)).toEqual(['whsec_new']);
    // the same plain text sealed again is still its own entry
    expect(openSealed(encryptor, encryptor.encrypt('whsec_old'))).toBe('whsec_old');
    expect(encryptor.decrypted).toBe(3);
  });

  it('keeps one map per encryptor: a value sealed under another key is refused, not answered from the cache', () => {
    const a = counting();
    const b = counting();
    const sealed = a.encrypt('whsec_a');
    expect(openSealed(a, sealed)).toBe('whsec_a');
    expect(() => openSealed(b, sealed)).toThrow();
  });

  it(`is bounded: past ${OPENED_LIMIT} values the oldest is forgotten and decrypted again when next used`, () => {
    const encryptor = counting();
    const sealed = Array.from({ length: OPENED_LIMIT + 1 }, (_, i) => encryptor.encrypt(`whsec_${i}`));
    sealed.forEach((value, i) => expect(openSealed(encryptor, value)).toBe(`whsec_${i}`));
    expect(encryptor.decrypted).toBe(OPENED_LIMIT + 1);
    openSealed(encryptor, sealed[OPENED_LIMIT]!); // the newest is still held
    expect(encryptor.decrypted).toBe(OPENED_LIMIT + 1);
    openSealed(encryptor, sealed[0]!); // the oldest left when the map was full
    expect(encryptor.decrypted).toBe(OPENED_LIMIT + 2);
  });
});
