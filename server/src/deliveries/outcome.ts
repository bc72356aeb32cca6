/** What one attempt's answer means for the delivery. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; afterMs: number; reason: string }
  | { kind: 'gone'; reason: string }
  | { kind: 'exhausted'; reason: string };

/** What came back from one attempt: a status (and maybe Retry-After), or an error before any status. */
export type AttemptResult = { statusCode: number; retryAfter?: string | null } | { error: string };

export interface RetryPolicy {
  /** Delays before each retry, in milliseconds. */
  scheduleMs: readonly number[];
  /** 0.2 = each delay lands within ±20 %. */
  jitter: number;
  /** Longest Retry-After honoured. */
  maxRetryAfterMs: number;
}

/**
 * Classifies one attempt. `attemptsInRound` counts the attempts made in this round,
 * including this one. 2xx delivers, 410 is gone, everything else (3xx included: redirects
 * are not followed) retries until the schedule runs out.
 */
export function classifyAttempt(result: AttemptResult, attemptsInRound: number, policy: RetryPolicy, now = Date.now(), random = Math.random): AttemptOutcome {
  if ('statusCode' in result && result.statusCode >= 200 && result.statusCode < 300) return { kind: 'delivered' };
  if ('statusCode' in result && result.statusCode === 410) return { kind: 'gone', reason: 'the receiver answered 410 Gone' };
  const reason = 'error' in result ? result.error : `the receiver answered ${result.statusCode}`;
  const retryAfter = 'statusCode' in result ? parseRetryAfter(result.retryAfter, now) : null;
  const afterMs = nextDelayMs(attemptsInRound, policy, random, retryAfter);
  return afterMs === null ? { kind: 'exhausted', reason } : { kind: 'retry', afterMs, reason };
}

/**
 * The delay before the next retry after `attemptsInRound` attempts, or null when the
 * schedule is exhausted: the scheduled delay ±jitter, or the receiver's Retry-After when it
 * asks for longer (never beyond `maxRetryAfterMs`).
 */
export function nextDelayMs(attemptsInRound: number, policy: RetryPolicy, random = Math.random, retryAfterMs: number | null = null): number | null {
  const scheduled = policy.scheduleMs[attemptsInRound - 1];
  if (scheduled === undefined) return null;
  const jittered = Math.round(scheduled * (1 + policy.jitter * (2 * random() - 1)));
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
