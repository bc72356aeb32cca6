import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { generateSigningSecret, signWebhook, verifyWebhook } from './signing.js';

// Pinned once; the signatures were cross-checked with `openssl dgst -sha256 -mac HMAC`.
const OLD_SECRET = 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='; // bytes 0..31
const NEW_SECRET = 'whsec_q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s='; // 32 × 0xab
const ID = 'evt_684adf1c5e9b2a41d07c3e99';
const TIMESTAMP = 1749736999;
const BODY = '{"id":"evt_684adf1c5e9b2a41d07c3e99","type":"lead.captured"}';
const PINNED = {
  'webhook-id': ID,
  'webhook-timestamp': '1749736999',
  'webhook-signature': 'v1,0Zo/yv31s/fMz+7ELuqS1vdWiq/AhQffmkfNcmlMKQY= v1,D/gigBhFZyOPcHZ5KTS1s7YrYpts+MoD0XmtM1E3Cgo=',
  'X-NebulaHex-Timestamp': '1749736999',
  'X-NebulaHex-Signature':
    'sha256=2a2c5ac72e5ea139e08ca293732979432d972d9e7806dcdd4cdf4dff3332126f sha256=d0f0d2d6b29d9de149ebcec326ebb1c6bda3dcc94ec768b662075c3092d3fa8c',
};

// The Standard Webhooks specification's published test vector.
const REFERENCE = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const nowSeconds = () => Math.floor(Date.now() / 1000);
const pinned = (overrides: Record<string, string | undefined> = {}) => ({ ...PINNED, ...overrides });
const verifyPinned = (headers: Record<string, string | string[] | undefined>, extra: { secret?: string; body?: string; now?: number } = {}) =>
  verifyWebhook({ headers, body: extra.body ?? BODY, secret: extra.secret ?? OLD_SECRET, now: extra.now ?? TIMESTAMP });
const onlyOwnScheme = () => pinned({ 'webhook-id': undefined, 'webhook-timestamp': undefined, 'webhook-signature': undefined });

describe('generateSigningSecret', () => {
  it('is whsec_ and base64 of 32 fresh random bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });
});

describe('signWebhook', () => {
  it('produces the pinned headers, newest secret first in both schemes', () => {
    expect(signWebhook({ id: ID, timestamp: TIMESTAMP, body: BODY, secrets: [NEW_SECRET, OLD_SECRET] })).toEqual(PINNED);
  });

  it('reproduces the Standard Webhooks reference vector', () => {
    const { secret, id, timestamp, body, signature } = REFERENCE;
    expect(signWebhook({ id, timestamp, body, secrets: [secret] })['webhook-signature']).toBe(signature);
  });

  it('refuses no secrets, a malformed secret and a fractional timestamp, without echoing the secret', () => {
    expect(() => signWebhook({ id: ID, timestamp: TIMESTAMP, body: BODY, secrets: [] })).toThrow(TypeError);
    const malformed = 'whsec_not base64!';
    expect(() => signWebhook({ id: ID, timestamp: TIMESTAMP, body: BODY, secrets: [malformed] })).toThrow('not whsec_<base64>');
    expect(() => signWebhook({ id: ID, timestamp: TIMESTAMP, body: BODY, secrets: [malformed] })).not.toThrow(malformed);
    expect(() => signWebhook({ id: ID, timestamp: 1.5, body: BODY, secrets: [OLD_SECRET] })).toThrow(TypeError);
  });
});

describe('verifyWebhook', () => {
  it('accepts the Standard Webhooks reference vector', () => {
    const { secret, id, timestamp, body, signature } = REFERENCE;
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    expect(verifyWebhook({ headers, body, secret, now: timestamp })).toEqual({ valid: true });
  });

  it('accepts either secret of a rotation, in either scheme, with headers in any case', () => {
    expect(verifyPinned(PINNED)).toEqual({ valid: true });
    expect(verifyPinned(PINNED, { secret: NEW_SECRET })).toEqual({ valid: true });
    expect(verifyPinned(onlyOwnScheme())).toEqual({ valid: true });
    expect(verifyPinned(onlyOwnScheme(), { secret: NEW_SECRET })).toEqual({ valid: true });
    const upper = Object.fromEntries(Object.entries(PINNED).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyPinned(upper)).toEqual({ valid: true });
  });

  it('accepts a signature header repeated as an array', () => {
    const [first, second] = PINNED['webhook-signature'].split(' ');
    expect(verifyPinned({ ...PINNED, 'webhook-signature': [first ?? '', second ?? ''] })).toEqual({ valid: true });
  });

  it('falls back to the X-NebulaHex headers when a Standard Webhooks header is missing', () => {
    expect(verifyPinned(pinned({ 'webhook-signature': undefined }))).toEqual({ valid: true });
  });

  it('refuses a tampered body, a wrong secret and a signature of another event id', () => {
    const bad = { valid: false, reason: 'bad_signature' };
    expect(verifyPinned(PINNED, { body: BODY.replace('lead', 'Lead') })).toEqual(bad);
    expect(verifyPinned(onlyOwnScheme(), { body: `${BODY} ` })).toEqual(bad);
    expect(verifyPinned(PINNED, { secret: generateSigningSecret() })).toEqual(bad);
    expect(verifyPinned(pinned({ 'webhook-id': 'evt_other' }))).toEqual(bad);
    expect(verifyPinned(pinned({ 'webhook-signature': 'v1,' }))).toEqual(bad);
  });

  it('prefers the Standard Webhooks headers when both are present', () => {
    const broken = pinned({ 'webhook-signature': 'v1,AAAA' });
    expect(verifyPinned(broken)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('refuses timestamps more than five minutes old or ahead, and accepts them at the edge', () => {
    const stale = { valid: false, reason: 'timestamp_out_of_tolerance' };
    expect(verifyPinned(PINNED, { now: TIMESTAMP + 300 })).toEqual({ valid: true });
    expect(verifyPinned(PINNED, { now: TIMESTAMP - 300 })).toEqual({ valid: true });
    expect(verifyPinned(PINNED, { now: TIMESTAMP + 301 })).toEqual(stale);
    expect(verifyPinned(PINNED, { now: TIMESTAMP - 301 })).toEqual(stale);
    expect(verifyPinned(onlyOwnScheme(), { now: TIMESTAMP + 3600 })).toEqual(stale);
    expect(verifyWebhook({ headers: PINNED, body: BODY, secret: OLD_SECRET, now: TIMESTAMP + 30, toleranceSeconds: 10 })).toEqual(stale);
  });

  it('refuses missing or malformed headers', () => {
    const missing = { valid: false, reason: 'missing_headers' };
    expect(verifyPinned({})).toEqual(missing);
    expect(verifyPinned({ 'webhook-id': ID, 'webhook-signature': PINNED['webhook-signature'] })).toEqual(missing);
    expect(verifyPinned({ 'X-NebulaHex-Signature': PINNED['X-NebulaHex-Signature'] })).toEqual(missing);
    expect(verifyPinned(pinned({ 'webhook-timestamp': '17497369.99', 'X-NebulaHex-Timestamp': undefined }))).toEqual(missing);
  });
});

describe('the reference standardwebhooks library', () => {
  const signNow = (secrets: string[]) => {
    const body = JSON.stringify({ id: 'evt_1', type: 'lead.captured', data: { email: 'ü@example.com' } });
    return { body, headers: signWebhook({ id: 'evt_684ae5a25e9b2a41d07c3f01', timestamp: nowSeconds(), body, secrets }) };
  };

  it('verifies what signWebhook produces with one secret', () => {
    const secret = generateSigningSecret();
    const { body, headers } = signNow([secret]);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('verifies with each of two secrets during a rotation, and refuses a third', () => {
    const [newer, older] = [generateSigningSecret(), generateSigningSecret()];
    const { body, headers } = signNow([newer, older]);
    expect(new Webhook(newer).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(older).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(newer).verify(`${body} `, headers)).toThrow();
  });

  it('signs what our verifier accepts', () => {
    const secret = generateSigningSecret();
    const now = nowSeconds();
    const signature = new Webhook(secret).sign('evt_x1', new Date(now * 1000), BODY);
    const headers = { 'webhook-id': 'evt_x1', 'webhook-timestamp': String(now), 'webhook-signature': signature };
    expect(verifyWebhook({ headers, body: BODY, secret })).toEqual({ valid: true });
  });
});
