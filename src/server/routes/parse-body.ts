import type { z } from 'zod';
import { MeridianError } from '../../domain/errors.js';

/** Validates a JSON body; the error names the field and what is wrong with it. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const text = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`).join('; ');
  throw new MeridianError('BAD_INPUT', text);
}
