import type { ApiErrorBody } from '@nebulahex/shared';
import type { HttpResponse, ZObject } from 'zapier-platform-core';
import type { RequestSubject } from './client.js';

/*
 * Every answer of the NebulaHex API, as a Zap builder meets it. The table in README.md
 * ("Errors") lists the same rows; errors.test.ts tests each one.
 *
 * - Problems in the Zap's own data (400, 403, 404, 409, 413, 422, other 4xx) raise HaltedError:
 *   the step stops with the sentence below, and the Zap stays on (z.errors.Error would count
 *   toward Zapier turning the Zap off).
 * - 401 never reaches this table: with OAuth's `autoRefresh`, zapier-platform-core raises
 *   RefreshAuthError first and Zapier refreshes the token (authentication.ts raises
 *   ExpiredAuthError when the refresh is refused). The 401 case below is the fallback should
 *   `autoRefresh` ever be turned off.
 * - 429 and 503, and the 409 that only means "not now", raise ThrottledError with the
 *   server's Retry-After: Zapier retries the step after that delay.
 * - Any other 5xx, and a 2xx that is not JSON, raise z.errors.Error naming the request id:
 *   a transient fault Zapier may replay, with the id NebulaHex support needs.
 */

/** Where a Zap builder makes a new key; said in every "reconnect" message. */
export const API_KEYS_PAGE = 'https://nebulahex.com/settings/api-keys';

/** Retry-After when the server sends none: 429 (a rate-limit window) and everything else. */
const DEFAULT_DELAY_SECONDS = { rateLimited: 60, other: 30 } as const;

/** 409 codes that only mean "retry in a moment" (the same step is still running), not a problem with the Zap's data. */
const TRANSIENT_CONFLICTS = new Set(['idempotency_request_in_progress']);

interface FieldProblem {
  field: string;
  message: string;
}

function errorOf(response: HttpResponse): Partial<ApiErrorBody['error']> {
  const data: unknown = response.data;
  const error = typeof data === 'object' && data !== null ? (data as Partial<ApiErrorBody>).error : undefined;
  return typeof error === 'object' && error !== null ? error : {};
}

function subjectOf(response: HttpResponse): RequestSubject | undefined {
  return response.request.middlewareData?.subject as RequestSubject | undefined;
}

function requestIdOf(response: HttpResponse): string {
  return response.getHeader('x-request-id') ?? 'none';
}

function fieldProblems(details: unknown): FieldProblem[] {
  if (!Array.isArray(details)) return [];
  return details.filter((item): item is FieldProblem => typeof item?.field === 'string' && typeof item?.message === 'string');
}

/** The server's own sentence, or `fallback` when it sent none (a proxy's page, an empty body). */
function serverSays(response: HttpResponse, fallback: string): string {
  const message = errorOf(response).message;
  return typeof message === 'string' && message !== '' ? message.replace(/\.?$/, '.') : fallback;
}

function notFoundMessage(response: HttpResponse): string {
  const subject = subjectOf(response);
  if (!subject) return 'NebulaHex could not find what this step asked for. Check the values in this step, then try again.';
  const named = subject.id ? `the ${subject.noun} "${subject.id}"` : `that ${subject.noun}`;
  return (
    `NebulaHex could not find ${named} in your workspace. It may have been deleted, or it belongs to ` +
    `another NebulaHex account. Pick the ${subject.noun} again from the list, then try again.`
  );
}

function validationMessage(response: HttpResponse): string {
  const error = errorOf(response);
  if (error.code === 'idempotency_key_reused') {
    return 'NebulaHex refused this step: its Deduplication Key was already used for different values. Use a new key, or leave the field empty.';
  }
  const labels = subjectOf(response)?.fieldLabels ?? {};
  const problems = fieldProblems(error.details);
  if (problems.length === 0) return `NebulaHex did not accept this step: ${serverSays(response, 'a value in this step is not valid.')}`;
  const listed = problems.map(({ field, message }) => `${labels[field] ?? field}: ${message}`).join('; ');
  return `NebulaHex did not accept this step. Please fix these fields — ${listed}`;
}

function conflictMessage(response: HttpResponse): string {
  const subject = subjectOf(response);
  if (errorOf(response).code === 'conversation_resolved') {
    const named = subject?.id ? `The conversation "${subject.id}"` : 'This conversation';
    return `${named} is resolved, so NebulaHex can no longer send messages to it. Pick an open conversation, or add a Filter step that skips resolved ones.`;
  }
  return `NebulaHex refused this step because of the current state of your data: ${serverSays(response, 'it conflicts with an earlier change.')}`;
}

function forbiddenMessage(response: HttpResponse): string {
  return (
    `The NebulaHex API key connected to this Zap is not allowed to do this: ${serverSays(response, 'its role does not permit it.')} ` +
    `Reconnect NebulaHex in Zapier with a key whose role allows it (an admin key), made at ${API_KEYS_PAGE}.`
  );
}

/** Retry-After in seconds (the API's form); a missing or unreadable one gets the default. */
function retryAfterSeconds(response: HttpResponse, fallback: number): number {
  const seconds = Number.parseInt(response.getHeader('retry-after') ?? '', 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : fallback;
}

function throttled(z: ZObject, response: HttpResponse, why: string, fallback: number): never {
  const delay = retryAfterSeconds(response, fallback);
  throw new z.errors.ThrottledError(`${why} Zapier will retry this step in ${delay} seconds.`, delay);
}

function serverFault(z: ZObject, response: HttpResponse): never {
  throw new z.errors.Error(
    `NebulaHex had a problem answering this step (HTTP ${response.status}). It is usually temporary: Zapier can replay the step. ` +
      `If it keeps happening, contact NebulaHex support with request id ${requestIdOf(response)}.`,
    'server_error',
    response.status,
  );
}

function raiseClientError(z: ZObject, response: HttpResponse): never {
  switch (response.status) {
    case 401:
      throw new z.errors.ExpiredAuthError(
        'NebulaHex did not accept this API key: it may be mistyped, or it was revoked or deleted. ' +
          `Reconnect your NebulaHex account in Zapier with a key from ${API_KEYS_PAGE}.`,
      );
    case 403:
      throw new z.errors.HaltedError(forbiddenMessage(response));
    case 404:
      throw new z.errors.HaltedError(notFoundMessage(response));
    case 409:
      if (TRANSIENT_CONFLICTS.has(errorOf(response).code ?? '')) {
        throttled(z, response, `NebulaHex is still running this step from an earlier try: ${serverSays(response, 'retry in a moment.')}`, 5);
      }
      throw new z.errors.HaltedError(conflictMessage(response));
    case 413:
      throw new z.errors.HaltedError('NebulaHex refused this step because its data is too large (over 1 MB). Shorten the mapped values, then try again.');
    case 422:
      throw new z.errors.HaltedError(validationMessage(response));
    case 429:
      throttled(z, response, 'NebulaHex is receiving too many requests from this account.', DEFAULT_DELAY_SECONDS.rateLimited);
    default:
      throw new z.errors.HaltedError(
        `NebulaHex could not accept this step (HTTP ${response.status}): ${serverSays(response, 'the request was refused.')} Check the values in this step, then try again.`,
      );
  }
}

/** A 2xx whose body should be JSON but is not (a proxy's page, a truncated answer). */
function raiseForUnreadableSuccess(z: ZObject, response: HttpResponse): void {
  if (response.status === 204 || response.data !== undefined) return;
  throw new z.errors.Error(
    `NebulaHex answered this step with something other than JSON (HTTP ${response.status}), so Zapier cannot read the result. ` +
      `It is usually temporary: Zapier can replay the step. If it keeps happening, contact NebulaHex support with request id ${requestIdOf(response)}.`,
    'unreadable_response',
    response.status,
  );
}

/** Throws the Zapier error for every answer that is not a readable success; returns the rest unchanged. */
export function raiseForApiError(response: HttpResponse, z: ZObject): HttpResponse {
  if (response.status === 503) throttled(z, response, 'NebulaHex is briefly unavailable.', DEFAULT_DELAY_SECONDS.other);
  if (response.status >= 500) serverFault(z, response);
  if (response.status >= 400) raiseClientError(z, response);
  raiseForUnreadableSuccess(z, response);
  return response;
}
