import { expect } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';

/** The MeridianError a promise rejects with; fails the test when it resolves or rejects with something else. */
export async function failure(promise: Promise<unknown>): Promise<MeridianError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(MeridianError);
  return error as MeridianError;
}
