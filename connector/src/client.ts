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

/** The full URL of a public API v1 path such as `/bots`. */
export function apiUrl(path: string): string {
  return `${apiBaseUrl()}/api/v1${path}`;
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
    skipThrowForStatus: request.skipThrowForStatus ?? false,
    middlewareData: { subject: request.subject },
  });
}
