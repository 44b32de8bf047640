import { assertNever, type ErrorCode } from '../domain/errors.js';

/** 0 succeeded, 1 the execution failed, 2 bad input (README.md). */
export function exitCodeFor(code: ErrorCode): 1 | 2 {
  switch (code) {
    case 'DEFINITION_INVALID':
    case 'BAD_INPUT':
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'STATE_DIR':
    case 'SOURCE':
      return 2;
    case 'ACTION_FAILED':
    case 'TIMEOUT':
    case 'INTERRUPTED':
    case 'REJECTED':
    case 'ARTIFACT':
    case 'INTERNAL':
      return 1;
    default:
      return assertNever(code);
  }
}
