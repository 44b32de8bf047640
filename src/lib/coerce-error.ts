import { MeridianError } from '../domain/errors.js';

/** Turns anything thrown into a MeridianError, keeping the original as `cause`. */
export function coerceError(thrown: unknown): MeridianError {
  if (thrown instanceof MeridianError) return thrown;
  if (thrown instanceof Error) return new MeridianError('INTERNAL', thrown.message, { cause: thrown });
  return new MeridianError('INTERNAL', String(thrown));
}
