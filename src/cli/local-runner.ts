/**
 * Carries executions to their end inside this process: the engine decides, the embedded agent
 * runs jobs, and a short poll picks up what other processes wrote to the same state dir
 * (approvals, stop requests).
 */
import { TERMINAL_EXECUTION } from '../domain/execution.js';
import { MeridianError } from '../domain/errors.js';
import type { Engine } from '../engine/engine.js';
import type { StateStore } from '../stores/state/state-store.js';
import type { Clock } from '../lib/clock.js';
import type { EmbeddedAgent } from '../agent/embedded-agent.js';

export interface LocalRunnerDeps {
  engine: Engine;
  store: StateStore;
  agent: EmbeddedAgent;
  pollMs?: number;
  /** The engine's clock: a wait for a window ends when this clock reaches its opening. */
  clock?: Clock;
  /** The executions the embedded agent runs jobs of, when it runs only some: rollbacks are added. */
  followed?: Set<string>;
}

export async function runToEnd(deps: LocalRunnerDeps, executionIds: Set<string>): Promise<void> {
  const pollMs = deps.pollMs ?? 250;
  // A rollback a failed stage started is carried to its end with the execution that asked for
  // it (which may have left the set already: it ended in the transaction that started it).
  const followed = new Set(executionIds);
  const unsubscribe = deps.engine.onEvent((event) => {
    const rollback = event.data?.rollbackExecution;
    if (event.type === 'rollback-started' && followed.has(event.executionId) && typeof rollback === 'string') {
      followed.add(rollback);
      deps.followed?.add(rollback);
      executionIds.add(rollback);
    }
  });
  try {
    await carry(deps, executionIds, pollMs);
  } finally {
    unsubscribe();
  }
}

async function carry(deps: LocalRunnerDeps, executionIds: Set<string>, pollMs: number): Promise<void> {
  deps.agent.wake();
  while (executionIds.size > 0) {
    for (const id of [...executionIds]) {
      const execution = await deps.store.getExecution(deps.store.db, id);
      if (TERMINAL_EXECUTION.has(execution.status)) {
        executionIds.delete(id);
        continue;
      }
      if (execution.status === 'Stopping' && execution.stopMode === 'abandon') {
        deps.agent.abandon(id, new MeridianError('INTERRUPTED', 'abandoned by a stop request'));
      }
      await deps.engine.advance(id);
    }
    deps.agent.wake();
    if (executionIds.size === 0) break;
    if (await skippedAhead(deps, executionIds)) continue;
    await waitForChange(deps.engine, untilWake(deps, executionIds, pollMs));
  }
}

/**
 * On a clock that may jump (`run --clock-skip`): when no job of these executions is queued or
 * running and one waits for a window or a bake, the clock jumps to when that ends.
 */
async function skippedAhead(deps: LocalRunnerDeps, executionIds: Set<string>): Promise<boolean> {
  const clock = deps.clock;
  const wake = deps.engine.nextWindowWake(executionIds);
  if (clock?.skipTo === undefined || wake === null || wake.getTime() <= (deps.clock?.now().getTime() ?? 0)) return false;
  for (const id of executionIds) {
    const jobs = await deps.store.jobs(deps.store.db, id);
    if (jobs.some((job) => job.status !== 'done')) return false;
  }
  clock.skipTo(wake);
  return true;
}

/** The poll interval, or less when a window opens sooner on the engine's clock (a fast clock). */
function untilWake(deps: LocalRunnerDeps, executionIds: Set<string>, pollMs: number): number {
  const wake = deps.engine.nextWindowWake(executionIds);
  const ms = wake === null ? undefined : deps.clock?.realMsUntil?.(wake);
  return ms === undefined ? pollMs : Math.min(pollMs, ms + 1);
}

/** Resolves after `ms`, or sooner when the engine records an event. */
function waitForChange(engine: Engine, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = engine.onEvent((event) => {
      if (event.type === 'execution-finished') done();
    });
  });
}
