import type { Context } from 'koa';
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';

/**
 * Parses `input` with `schema` or throws a 422 naming each field. The result is a
 * fresh, typed value: handlers never read ctx.request.body or ctx.query directly.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params' = 'body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => toFieldIssues(issue, where)));
}

/** One entry per field; an unknown key is named itself, not the object that holds it. */
function toFieldIssues(issue: z.core.$ZodIssue, where: string): FieldIssue[] {
  const at = (path: PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : where);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: at([...issue.path, key]), message: 'is not a known field' }));
  }
  return [{ field: at(issue.path), message: issue.message }];
}

export const parseBody = <S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> => parse(schema, ctx.request.body ?? {}, 'body');
export const parseQuery = <S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> => parse(schema, ctx.query, 'query');
