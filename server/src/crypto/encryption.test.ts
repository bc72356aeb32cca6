import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createEncryptor } from './encryption.js';

const key = () => randomBytes(32).toString('base64');

describe('createEncryptor', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const encryptor = createEncryptor(key());
    const a = encryptor.encrypt('whsec_secret');
    const b = encryptor.encrypt('whsec_secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_secret');
    expect(encryptor.decrypt(a)).toBe('whsec_secret');
  });

  it('refuses a value sealed with another key or tampered with', () => {
    const sealed = createEncryptor(key()).encrypt('secret');
    expect(() => createEncryptor(key()).decrypt(sealed)).toThrow();
    const encryptor = createEncryptor(key());
    const parts = encryptor.encrypt('secret').split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => encryptor.decrypt(parts.join('.'))).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createEncryptor(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
