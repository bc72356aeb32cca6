import type { ApiErrorBody } from '@nebulahex/shared';
import type {
  AfterResponseMiddleware,
  BeforeRequestMiddleware,
  HttpResponse,
  ZObject,
} from 'zapier-platform-core';
import type { RequestSubject } from './client.js';

/** Where a Zap builder makes a new key; said in every "reconnect" message. */
export const API_KEYS_PAGE = 'https://nebulahex.com/settings/api-keys';

/** Every request carries the connected account's API key as a bearer token. */
export const addBearerKey: BeforeRequestMiddleware = (request, _z, bundle) => {
  const apiKey = bundle.authData.apiKey;
  if (apiKey) {
    request.headers = { ...request.headers, Authorization: `Bearer ${apiKey}` };
  }
  return request;
};

interface FieldProblem {
  field: string;
  message: string;
}

function errorBody(response: HttpResponse): Partial<ApiErrorBody> {
  return typeof response.data === 'object' && response.data !== null ? (response.data as Partial<ApiErrorBody>) : {};
}

function subjectOf(response: HttpResponse): RequestSubject | undefined {
  return response.request.middlewareData?.subject as RequestSubject | undefined;
}

function fieldProblems(details: unknown): FieldProblem[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (item): item is FieldProblem => typeof item?.field === 'string' && typeof item?.message === 'string',
  );
}

function notFoundMessage(response: HttpResponse): string {
  const subject = subjectOf(response);
  if (!subject) {
    return 'NebulaHex could not find what this step asked for. Check the values in this step, then try again.';
  }
  const named = subject.id ? `the ${subject.noun} "${subject.id}"` : `that ${subject.noun}`;
  return (
    `NebulaHex could not find ${named} in your workspace. It may have been deleted, or it belongs to ` +
    `another NebulaHex account. Pick the ${subject.noun} again from the list, then try again.`
  );
}

function validationMessage(response: HttpResponse): string {
  const labels = subjectOf(response)?.fieldLabels ?? {};
  const problems = fieldProblems(errorBody(response).error?.details);
  if (problems.length === 0) {
    const serverSays = errorBody(response).error?.message ?? 'a value in this step is not valid';
    return `NebulaHex did not accept this step: ${serverSays}`;
  }
  const listed = problems.map(({ field, message }) => `${labels[field] ?? field}: ${message}`).join('; ');
  return `NebulaHex did not accept this step. Please fix these fields — ${listed}`;
}

/** Retry-After is seconds by contract; fall back to a minute when it is missing or unreadable. */
function retryAfterSeconds(response: HttpResponse): number {
  const seconds = Number.parseInt(response.getHeader('retry-after') ?? '', 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 60;
}

/**
 * Throws the Zapier error for an API error answer a Zap builder can act on (401, 404, 422, 429);
 * anything else is returned. For callers that inspect a status themselves first.
 */
export function raiseForApiError(response: HttpResponse, z: ZObject): HttpResponse {
  switch (response.status) {
    case 401:
      throw new z.errors.ExpiredAuthError(
        'NebulaHex did not accept this API key: it may be mistyped, or it was revoked or deleted. ' +
          `Reconnect your NebulaHex account in Zapier with a key from ${API_KEYS_PAGE}.`,
      );
    case 404:
      throw new z.errors.Error(notFoundMessage(response), 'not_found', 404);
    case 422:
      throw new z.errors.Error(validationMessage(response), 'invalid_input', 422);
    case 429: {
      const delay = retryAfterSeconds(response);
      throw new z.errors.ThrottledError(
        `NebulaHex is receiving too many requests from this account; Zapier will retry in ${delay} seconds.`,
        delay,
      );
    }
    default:
      return response;
  }
}

/**
 * Turns the API's error answers into errors Zapier knows how to show and handle. A response the
 * caller asked to inspect itself (`skipThrowForStatus`) passes untouched; 5xx falls through to
 * Zapier's own `throwForStatus`, which reports it and lets Zapier retry.
 */
export const handleApiErrors: AfterResponseMiddleware = (response, z) =>
  response.skipThrowForStatus ? response : raiseForApiError(response, z);
