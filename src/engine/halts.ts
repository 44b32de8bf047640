/**
 * Emergency halts, as operators give them: `halt` stops every deploy step (Deploy, Invoke,
 * Compute) from starting in a region, or in every region, until `liftHalt`. Steps already
 * running finish; Source, Build, Test and Approval steps go on. The store keeps at most one
 * active halt per scope (stores/state/halt-records.ts), so of two operators halting the same
 * scope at once one halt is recorded and the other is refused, naming the first. The judgement
 * of each step is window-waits.ts's: a halt holds a step as a window would, and wins over a
 * window override.
 *
 * Both are recorded as an event (`halt`, `halt-lifted`) with who, when and why in every
 * execution in progress at that moment, through the engine's transactional write (listeners
 * hear of them after commit). The process that drives an execution starts its held steps at
 * its next advance; the executions this engine drives are advanced at once.
 */
import { randomUUID } from 'node:crypto';
import { MeridianError } from '../domain/errors.js';
import { checkOneLine } from '../domain/one-line-text.js';
import { isGatedByWindows } from '../domain/region-windows.js';
import type { Clock } from '../lib/clock.js';
import { activeHalts, liftHalt as liftHaltRecord, recordHalt, type Halt } from '../stores/state/halt-records.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';

export interface HaltRequest {
  /** null: every region. */
  region: string | null;
  by: string;
  reason: string;
  /**
   * The regions the caller's pipelines declare, when it knows them (the server's catalog): a
   * halt of another region is refused. Lifting never checks (a pipeline may have been removed
   * since the halt).
   */
  knownRegions?: readonly string[];
}

export interface HaltResult {
  halt: Halt;
  /** The executions in progress whose events recorded it. */
  executions: string[];
}

/** What a halt needs of the engine. */
export interface HaltDeps {
  store: StateStore;
  clock: Clock;
  /** This engine's owner id: the executions it drives are advanced after a halt or a lift. */
  owner: string;
  /** The engine's write of one execution: its lock held, events to listeners after commit. */
  write<T>(executionId: string, fn: (tx: Db, record: (event: NewEvent) => Promise<void>) => Promise<T>): Promise<T>;
  advance(executionId: string): Promise<void>;
  /** An advance that failed after the halt was recorded (the driver's next tick tries again). */
  onError?: (error: Error) => void;
}

/** The longest reason accepted (the API's limit too). */
export const MAX_REASON = 512;

export async function haltDeploys(deps: HaltDeps, request: HaltRequest): Promise<HaltResult> {
  const { region, by, reason } = checked(request);
  if (region !== null && request.knownRegions !== undefined && !request.knownRegions.includes(region)) {
    const known = [...new Set(request.knownRegions)].sort().join(', ') || 'none';
    throw new MeridianError('BAD_INPUT', `no loaded pipeline deploys to a region ${region}; known regions: ${known} (no region: halt every region)`);
  }
  const halt = { id: randomUUID(), region, by, reason, at: deps.clock.now().toISOString() };
  const active = await recordHalt(deps.store.db, halt);
  if (active.id !== halt.id) {
    throw new MeridianError(
      'CONFLICT',
      `${describeScope(active.region)} already halted by ${active.by} at ${active.at}: ${active.reason}; that halt stands (lift it first with \`${liftCommand(active.region)} --reason TEXT\`)`,
      { details: { halt: active } },
    );
  }
  const executions = await recordInProgress(deps, (snapshot) => {
    const held = inScope(snapshot, region).filter((a) => a.status === 'Pending' || a.status === 'Waiting');
    const effect =
      held.length > 0 ? `holds ${held.map((a) => a.name).join(', ')} until it is lifted` : 'no deploy step of this execution is left to start there';
    return {
      type: 'halt',
      description: `${capitalised(describeScope(region))} halted by ${by}: ${reason}; ${effect} (\`${liftCommand(region)}\`)`,
      data: { region, by, reason, at: halt.at, haltId: halt.id, actions: held.map((a) => a.name) },
    };
  });
  return { halt: { ...active, lifted: null }, executions };
}

export async function liftHalt(deps: HaltDeps, request: Omit<HaltRequest, 'knownRegions'>): Promise<HaltResult> {
  const { region, by, reason } = checked(request);
  const at = deps.clock.now().toISOString();
  const lifted = await liftHaltRecord(deps.store.db, region, { by, reason, at });
  if (lifted === undefined) {
    const others = (await activeHalts(deps.store.db)).map((h) => `${h.region ?? 'every region'} (by ${h.by} at ${h.at}: ${h.reason})`);
    throw new MeridianError('NOT_FOUND', `${describeScope(region)} not halted, so there is nothing to lift; active halts: ${others.join('; ') || 'none'}`);
  }
  const executions = await recordInProgress(deps, (snapshot) => {
    const released = inScope(snapshot, region).filter((a) => a.status === 'Waiting' && a.waitingFor === 'halt');
    const effect = released.length > 0 ? `${released.map((a) => a.name).join(', ')} may start` : 'no step of this execution was held there';
    return {
      type: 'halt-lifted',
      description: `Halt of ${region ?? 'every region'} (by ${lifted.by} at ${lifted.at}) lifted by ${by}: ${reason}; ${effect}`,
      data: {
        region,
        by,
        reason,
        at,
        haltId: lifted.id,
        halted: { by: lifted.by, reason: lifted.reason, at: lifted.at },
        actions: released.map((a) => a.name),
      },
    };
  });
  return { halt: lifted, executions };
}

/** Records one event in each execution in progress (re-read under its lock), then advances the ones this engine drives. */
async function recordInProgress(deps: HaltDeps, event: (snapshot: ExecutionSnapshot) => NewEvent): Promise<string[]> {
  const recorded: string[] = [];
  const owned: string[] = [];
  for (const candidate of await deps.store.listExecutions(deps.store.db, { unfinished: true })) {
    const wrote = await deps.write(candidate.id, async (tx, record) => {
      const snapshot = await deps.store.snapshot(tx, candidate.id);
      if (snapshot.execution.status !== 'InProgress') return false;
      await record(event(snapshot));
      return true;
    });
    if (!wrote) continue;
    recorded.push(candidate.id);
    if (candidate.owner === deps.owner) owned.push(candidate.id);
  }
  // Actions already waiting for a window read as halted, or held ones start, without waiting for a tick.
  for (const id of owned) await deps.advance(id).catch((error: unknown) => deps.onError?.(error instanceof Error ? error : new Error(String(error))));
  return recorded;
}

/** The execution's deploy steps (those a halt holds) in the halt's scope. */
function inScope(snapshot: ExecutionSnapshot, region: string | null): ExecutionSnapshot['actions'] {
  const stages = snapshot.execution.definition.stages;
  return snapshot.actions.filter((a) => {
    const declared = stages[a.stageIndex]?.actions[a.actionIndex];
    return declared !== undefined && isGatedByWindows(declared) && (region === null || a.region === region);
  });
}

function checked(request: Omit<HaltRequest, 'knownRegions'>): { region: string | null; by: string; reason: string } {
  const reason = request.reason.trim();
  if (reason === '')
    throw new MeridianError('BAD_INPUT', 'say why (--reason TEXT): the reason is kept with the halt and in the events of the executions it holds');
  if (reason.length > MAX_REASON) throw new MeridianError('BAD_INPUT', `the reason is ${reason.length} characters; keep it to ${MAX_REASON}`);
  checkOneLine('the reason (--reason)', reason);
  const by = request.by.trim();
  if (by === '') throw new MeridianError('BAD_INPUT', 'say who halts (--by NAME)');
  checkOneLine('who halts (--by)', by);
  const region = request.region === null ? null : request.region.trim();
  if (region === '' || region === '*')
    throw new MeridianError('BAD_INPUT', `no region named "${request.region ?? ''}": name a region, or none to halt every region`);
  return { region, by, reason };
}

function describeScope(region: string | null): string {
  return region === null ? 'deploys to every region are' : `deploys to ${region} are`;
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export function liftCommand(region: string | null): string {
  return region === null ? 'meridian unhalt' : `meridian unhalt --region ${region}`;
}
