import type { Context } from 'koa';
import type { z } from 'zod';
import { ValidationError } from './errors.js';

/**
 * Parses `input` with `schema` or throws a 422 naming each field. The result is a
 * fresh, typed value: handlers never read ctx.request.body or ctx.query directly.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params' = 'body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : where,
      message: issue.message,
    })),
  );
}

export const parseBody = <S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> => parse(schema, ctx.request.body ?? {}, 'body');
export const parseQuery = <S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> => parse(schema, ctx.query, 'query');
