/**
 * One error class for everything Meridian reports. `code` is stable and is what callers
 * branch on (exit code, HTTP status, execution status); the message says what to do next.
 */
import type { SourceLocation } from './pipeline.js';

export type ErrorCode =
  | 'DEFINITION_INVALID' // the definition has problems; see `problems`
  | 'BAD_INPUT' // a CLI argument or request is wrong
  | 'NOT_FOUND' // an execution, parameter, secret, artifact... does not exist
  | 'CONFLICT' // the operation does not fit the current state (e.g. retry of a succeeded stage)
  | 'STATE_DIR' // the state dir cannot be read or written
  | 'SOURCE' // a source repository or branch cannot be read
  | 'ACTION_FAILED' // a provider reported a failure
  | 'TIMEOUT' // an action ran past its timeout
  | 'INTERRUPTED' // the process running an action died and the provider is unsafe to repeat
  | 'REJECTED' // an approval was rejected
  | 'ARTIFACT' // an artifact is missing or corrupt
  | 'INTERNAL';

export type Fault = 'user' | 'system';

/** One definition problem at one place; `hint` says what to write instead. */
export interface Problem {
  location: SourceLocation;
  message: string;
  hint?: string;
}

export class MeridianError extends Error {
  readonly code: ErrorCode;
  readonly fault: Fault;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  readonly problems: Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { fault?: Fault; retryable?: boolean; details?: Record<string, unknown>; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MeridianError';
    this.code = code;
    this.fault = options.fault ?? faultOf(code);
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
    this.problems = options.problems ?? [];
  }
}

function faultOf(code: ErrorCode): Fault {
  switch (code) {
    case 'DEFINITION_INVALID':
    case 'BAD_INPUT':
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'SOURCE':
    case 'ACTION_FAILED':
    case 'REJECTED':
      return 'user';
    case 'STATE_DIR':
    case 'TIMEOUT':
    case 'INTERRUPTED':
    case 'ARTIFACT':
    case 'INTERNAL':
      return 'system';
    default:
      return assertNever(code);
  }
}

/** `FILE:LINE:COL: message` plus the hint on the next line, as the CLI prints problems. */
export function formatProblem(problem: Problem): string {
  const { file, line, col } = problem.location;
  const head = `${file}:${line}:${col}: ${problem.message}`;
  return problem.hint ? `${head}\n  ${problem.hint}` : head;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
