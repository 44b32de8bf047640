/**
 * The reasons a stage or an execution records when it fails or stops: the `error` of the
 * execution summary's stages and execution (docs/server.md). Each is one line naming what
 * failed, where, and what it said, with a stable code a client branches on.
 */
import { describeStatus, type ActionError, type ActionStatus, type RolledBack, type StageError } from './execution.js';

const UNSUCCESSFUL: ReadonlySet<ActionStatus> = new Set(['Failed', 'Abandoned', 'Stopped']);

/** One line: a reason is read in a list of stages, and a multi-line output would break it. */
export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' | ');
}

/** A stage whose actions failed: each failed, abandoned or stopped action with its region and error; null when none did. */
export function actionsFailed(actions: ReadonlyArray<{ name: string; region: string; status: ActionStatus; error: ActionError | null }>): StageError | null {
  const failed = actions.filter((a) => UNSUCCESSFUL.has(a.status));
  const [first] = failed;
  if (first === undefined) return null;
  const message = failed.map((a) => `${a.name} (${a.region}) ${describeStatus(a.status)}${a.error ? `: ${oneLine(a.error.message)}` : ''}`).join('; ');
  return { code: first.error?.code ?? 'ACTION_FAILED', message, regions: unique(failed.map((a) => a.region)) };
}

/** A rollout wave whose health checks failed during its bake. */
export function healthChecksFailed(wave: number, failures: ReadonlyArray<{ check: string; region: string; detail: string }>): StageError {
  const what = failures.map((f) => `${f.check} in ${f.region}: ${oneLine(f.detail)}`).join('; ');
  return {
    code: 'HEALTH_CHECK_FAILED',
    message: `health check failed during the bake of wave ${wave}: ${what}`,
    regions: unique(failures.map((f) => f.region)),
  };
}

/** A stage condition that failed the stage (`description`: the condition with its rules' outcomes). */
export function conditionFailed(description: string): StageError {
  return { code: 'CONDITION_FAILED', message: oneLine(description) };
}

/** `error` followed by the rollback it started: what each region went back to. */
export function withRollback(error: StageError, rollback: RolledBack[]): StageError {
  if (rollback.length === 0) return error;
  const moves = rollback.flatMap((r) =>
    r.execution === null ? [] : [`${r.region} to ${r.release === undefined ? `execution ${r.execution}` : `release ${r.release}`}`],
  );
  const without = rollback.filter((r) => r.execution === null).map((r) => r.region);
  const parts = [
    ...(moves.length > 0 ? [`rolled back ${moves.join(', ')}`] : []),
    ...(without.length > 0 ? [`nothing to roll back to in ${without.join(', ')} (no earlier good run there)`] : []),
  ];
  return { ...error, message: `${error.message}; ${parts.join('; ')}`, rollback };
}

/** An execution (and its current stage) stopped on request. */
export function stopRequested(abandon: boolean, reason: string | undefined): StageError {
  return { code: 'STOPPED', message: `stopped on request (${abandon ? 'stop and abandon' : 'stop and wait'})${reason ? `: ${reason}` : ''}` };
}

/** An execution that a newer one superseded in front of a stage. */
export function superseded(by: string, stage: string): StageError {
  return { code: 'SUPERSEDED', message: `superseded by execution ${by}, which reached stage ${stage} after it` };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
