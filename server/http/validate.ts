import { z } from 'zod';
import { SkipperError } from '../errors/skipper-error.ts';

/** Parses a request body; a mismatch becomes a 400 naming each wrong field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (body === undefined) {
    throw new SkipperError('invalid-request', 'Send a JSON body with the header Content-Type: application/json.');
  }
  return parseWith(schema, body, 'The request body is not valid');
}

/** Parses a request's query string (`?limit=20`); unknown or wrong parameters are a 400. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  return parseWith(schema, query, 'The query string is not valid');
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, problem: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap(flattenIssue);
  const summary = issues
    .slice(0, 3)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  throw new SkipperError('invalid-request', `${problem}: ${summary}.`, { issues });
}

/** Union mismatches are reported through the branch that got furthest, not as "Invalid input". */
function flattenIssue(issue: z.core.$ZodIssue): { path: string; message: string }[] {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
    return closest.flatMap((inner) => flattenIssue({ ...inner, path: [...issue.path, ...inner.path] }));
  }
  return [{ path: issue.path.map(String).join('.'), message: issue.message }];
}

const IdSchema = z.uuid();

/** A route's id parameter; anything but a UUID is a 400, so lookups only see well-formed ids. */
export function parseId(value: unknown, what: string): string {
  const result = IdSchema.safeParse(value);
  if (!result.success) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 100).toWellFormed()) : 'That';
    throw new SkipperError('invalid-id', `${shown} is not a valid ${what} id.`);
  }
  return result.data;
}

/** A route parameter that is not an id (a session's name): a mismatch is a 400 naming the value and what is wrong. */
export function parseParam<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 100).toWellFormed()) : 'That';
  throw new SkipperError('invalid-request', `${shown} is not a valid ${what}: ${result.error.issues[0]?.message ?? 'unreadable'}.`);
}
