/**
 * The errors a handler may throw. The error middleware turns each into
 * `{"error":{"code","message","details"}}` with its status; anything else is a bare 500.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class MalformedJsonError extends ApiError {
  constructor(message = 'The request body is not valid JSON.') {
    super(400, 'malformed_json', message);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'A valid API key is required: send it as "Authorization: Bearer <key>".', code = 'unauthorized') {
    super(401, code, message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string, code = 'forbidden') {
    super(403, code, message);
  }
}

/** Also the answer for another workspace's resources: existence is never leaked. */
export class NotFoundError extends ApiError {
  constructor(what: string, code = 'not_found') {
    super(404, code, `${what} was not found.`);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class GoneError extends ApiError {
  constructor(message: string, code = 'gone') {
    super(410, code, message);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limit: string) {
    super(413, 'payload_too_large', `The request body is larger than ${limit}.`);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(415, 'unsupported_media_type', 'Send the request body as JSON with "Content-Type: application/json".');
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends ApiError {
  constructor(readonly issues: FieldIssue[], message = describeIssues(issues)) {
    super(422, 'validation_failed', message, issues);
  }
}

export class RateLimitedError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many requests: try again in ${retryAfterSeconds} s.`, undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

function describeIssues(issues: FieldIssue[]): string {
  const fields = [...new Set(issues.map((issue) => issue.field))];
  return fields.length === 0 ? 'The request is not valid.' : `The request is not valid: check ${fields.join(', ')}.`;
}

/** A body nested deeper than the parser accepts (http/body.ts). */
export class JsonTooDeepError extends ApiError {
  constructor(readonly maxDepth: number) {
    super(400, 'json_too_deep', `The request body nests objects and arrays more than ${maxDepth} levels deep; ${maxDepth} is the limit.`);
  }
}

/** A body with a `__proto__` key, which could change an object's prototype in code that copies it. */
export class ForbiddenJsonKeyError extends ApiError {
  constructor(readonly path: string) {
    super(400, 'forbidden_json_key', `The request body contains the key "__proto__" (at ${path}), which is not accepted: remove it.`, [
      { field: path, message: 'the key "__proto__" is not accepted' },
    ]);
  }
}

/** Too many failed authentications from one client address (auth/failures.ts). */
export class TooManyAuthFailuresError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(429, 'too_many_auth_failures', `Too many failed authentication attempts from your address: try again in ${retryAfterSeconds} s.`, undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}
