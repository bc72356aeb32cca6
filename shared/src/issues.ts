import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

const isRecord = (value: unknown): value is Record<PropertyKey, unknown> => typeof value === 'object' && value !== null;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

/**
 * Turns zod issues into `{field, message}` pairs a caller of the API can act on: the
 * field is the dotted path from `root` (`data.capturedFields.email`), a missing field
 * says "is required", and each unknown key is named on its own.
 */
export function toFieldIssues(error: z.ZodError, input: unknown, root: string, subject: string): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const field = [root, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${field}.${key}`, message: `is not a field of ${subject}` }));
    }
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      return [{ field, message: 'is required' }];
    }
    if (issue.code === 'invalid_type' && issue.path.length === 0) {
      return [{ field, message: `must be an object with the fields of ${subject}` }];
    }
    return [{ field, message: issue.message }];
  });
}
