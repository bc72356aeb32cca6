import type { ApiErrorBody, ConsentAnswerOut, ConsentOut, PortalSessionOut } from '@nebulahex/shared';

/** An answer other than 2xx, with the API's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token; every unsafe request sends it. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

async function request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) {
    const error = (body as ApiErrorBody | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${response.status}.`, error?.details);
  }
  return body as T;
}

/** The public API v1, as the signed-in portal session. */
export const api = {
  get: <T>(path: string) => request<T>(`/api/v1${path}`),
  post: <T>(path: string, body?: unknown) => request<T>(`/api/v1${path}`, { method: 'POST', body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>(`/api/v1${path}`, { method: 'PATCH', body }),
  delete: (path: string) => request<void>(`/api/v1${path}`, { method: 'DELETE' }),
};

export const session = {
  get: () => request<PortalSessionOut>('/portal/session'),
  signOut: () => request<void>('/portal/session/sign-out', { method: 'POST' }),
};

/** Where the CSV of an endpoint's deliveries downloads from (a plain link: the cookie authenticates it). */
export const deliveriesCsvUrl = (hookId: string) => `/api/v1/hooks/${encodeURIComponent(hookId)}/deliveries.csv`;

/** An app's authorization request waiting for this browser's Allow or Deny (`/portal/connect/:uid`). */
export const consent = {
  get: (uid: string) => request<ConsentOut>(`/portal/connect/${encodeURIComponent(uid)}/details`),
  answer: (uid: string, answer: 'allow' | 'deny') => request<ConsentAnswerOut>(`/portal/connect/${encodeURIComponent(uid)}/${answer}`, { method: 'POST' }),
};
