import type { HttpResponse, ZObject } from 'zapier-platform-core';

const DEFAULT_BASE_URL = 'https://nebulahex.com';

/**
 * Where the NebulaHex API lives. Zapier hands an app's environment variables to it through
 * `process.env`, so this is the one place that reads it; read per call so a test can point it
 * elsewhere.
 */
export function apiBaseUrl(): string {
  return (process.env.NEBULAHEX_API_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** An address of NebulaHex's OAuth server (`/oauth/auth`, `/oauth/token`). */
export function oauthUrl(path: string): string {
  return `${apiBaseUrl()}/oauth${path}`;
}

/** The full URL of a public API v1 path such as `/bots`. */
export function apiUrl(path: string): string {
  return `${apiBaseUrl()}/api/v1${path}`;
}

/**
 * Where a Zap builder opens a conversation in NebulaHex. The inbox is served from the same host
 * as the API (`NEBULAHEX_API_URL`), under `/app/conversations/<id>`.
 */
export function conversationUrl(conversationId: string): string {
  return `${apiBaseUrl()}/app/conversations/${encodeURIComponent(conversationId)}`;
}

/** True when the server answered a repeated Idempotency-Key with the first answer. */
export function isReplayed(response: HttpResponse): boolean {
  return response.getHeader('idempotent-replayed') === 'true';
}

/**
 * What a request is about, in a Zap builder's words. The error middleware reads it (through
 * `middlewareData`) to name the missing thing on a 404 and the fields on a 422.
 */
export interface RequestSubject {
  /** Lower-case noun, e.g. `conversation`. */
  noun: string;
  id?: string;
  /** API field name → the label the Zap builder saw on the form. */
  fieldLabels?: Record<string, string>;
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  params?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  subject?: RequestSubject;
  /** Set when the caller decides what a non-2xx status means (e.g. 404 = nothing found). */
  skipThrowForStatus?: boolean;
  /** Sent as `Idempotency-Key` (creates; see idempotency.ts). */
  idempotencyKey?: string;
}

/** One request to the NebulaHex API; authentication and error mapping live in middleware.ts. */
export function apiRequest<T>(z: ZObject, request: ApiRequest): Promise<HttpResponse<T>> {
  return z.request<T>({
    url: apiUrl(request.path),
    method: request.method ?? 'GET',
    params: request.params,
    // Drop unset filters instead of sending `botId=` and having the API reject it.
    removeMissingValuesFrom: { params: true },
    ...(request.body ? { body: request.body } : {}),
    ...(request.idempotencyKey ? { headers: { 'Idempotency-Key': request.idempotencyKey } } : {}),
    skipThrowForStatus: request.skipThrowForStatus ?? false,
    middlewareData: { subject: request.subject },
  });
}
