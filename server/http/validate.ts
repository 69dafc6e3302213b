import { z } from 'zod';
import { ApiError } from './api-error.ts';

/** Parses a request body; a mismatch becomes a 400 naming each wrong field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (body === undefined) {
    throw new ApiError(400, 'invalid-request', 'Send a JSON body with the header Content-Type: application/json.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap(flattenIssue);
  const summary = issues
    .slice(0, 3)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  throw new ApiError(400, 'invalid-request', `The request body is not valid: ${summary}.`, issues);
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
  if (!result.success) throw new ApiError(400, 'invalid-id', `"${String(value).slice(0, 100)}" is not a valid ${what} id.`);
  return result.data;
}
