import { describe, expect, it } from '@jest/globals';
import { classifyAttempt, nextDelayMs, parseRetryAfter, type RetryPolicy } from './outcome.js';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ scheduleMs: [30_000, 120_000, 300_000], jitter: 0.2, maxRetryAfterMs: 3_600_000, ...overrides });
const middle = () => 0.5; // no jitter
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('classifyAttempt', () => {
  it('delivers on any 2xx', () => {
    for (const statusCode of [200, 201, 204, 299]) expect(classifyAttempt({ statusCode }, 1, policy())).toEqual({ kind: 'delivered' });
  });

  it('treats 410 as gone, whatever the attempt', () => {
    expect(classifyAttempt({ statusCode: 410 }, 3, policy()).kind).toBe('gone');
  });

  it('retries 5xx, 4xx, 3xx and network errors at the scheduled delay', () => {
    for (const result of [{ statusCode: 500 }, { statusCode: 404 }, { statusCode: 302 }, { error: 'ECONNREFUSED' }]) {
      expect(classifyAttempt(result, 1, policy(), NOW, middle)).toMatchObject({ kind: 'retry', afterMs: 30_000 });
    }
    expect(classifyAttempt({ statusCode: 302 }, 2, policy(), NOW, middle)).toEqual({ kind: 'retry', afterMs: 120_000, reason: 'the receiver answered 302' });
  });

  it('is exhausted once the schedule has no delay left', () => {
    expect(classifyAttempt({ statusCode: 503 }, 4, policy(), NOW, middle)).toEqual({ kind: 'exhausted', reason: 'the receiver answered 503' });
    expect(classifyAttempt({ error: 'timed out after 10000 ms' }, 4, policy(), NOW, middle)).toEqual({ kind: 'exhausted', reason: 'timed out after 10000 ms' });
  });

  it('honours a longer Retry-After, but never beyond the bound', () => {
    expect(classifyAttempt({ statusCode: 429, retryAfter: '600' }, 1, policy(), NOW, middle)).toMatchObject({ afterMs: 600_000 });
    expect(classifyAttempt({ statusCode: 429, retryAfter: '86400' }, 1, policy(), NOW, middle)).toMatchObject({ afterMs: 3_600_000 });
    expect(classifyAttempt({ statusCode: 503, retryAfter: '1' }, 1, policy(), NOW, middle)).toMatchObject({ afterMs: 30_000 });
  });
});

describe('nextDelayMs', () => {
  it('spreads each delay within ±jitter', () => {
    expect(nextDelayMs(1, policy(), () => 0)).toBe(24_000);
    expect(nextDelayMs(1, policy(), () => 0.999999)).toBe(36_000);
    expect(nextDelayMs(2, policy({ jitter: 0 }), () => 0)).toBe(120_000);
  });

  it('returns null past the end of the schedule', () => {
    expect(nextDelayMs(3, policy(), middle)).toBe(300_000);
    expect(nextDelayMs(4, policy(), middle)).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores the rest', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
  });
});
