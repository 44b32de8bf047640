/**
 * The server's heartbeat: on start, and on every tick after, it adopts executions whose process
 * is gone (interrupted jobs run again when safe), then keeps every execution it drives moving — advancing them
 * (stage locks, approvals answered elsewhere), aborting the jobs of an execution stopped with
 * abandon, waking the agent, handing on jobs whose agent's lease expired — and polls the
 * sources that ask for it.
 */
import { adoptUnfinished } from '../engine/dispatch/adopt-unfinished.js';
import { expireLeases } from '../engine/dispatch/lease-expiry.js';
import { MeridianError } from '../domain/errors.js';
import { coerceError } from '../lib/coerce-error.js';
import { isOwnerAlive } from '../lib/process-owner.js';
import type { ServerContext } from './context.js';
import type { Replicas } from './replicas.js';
import { SourcePoller } from './source-poller.js';

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;
  private readonly poller: SourcePoller;
  /** The unfinished executions this replica drives, as of the last tick: only their timers wake it. */
  private owned: string[] = [];

  constructor(
    private readonly context: ServerContext,
    private readonly options: { tickMs: number; onError: (error: Error) => void; replicas?: Replicas },
  ) {
    this.poller = new SourcePoller(context, options.onError);
  }

  /** Adopts what a previous server left unfinished; resolves with those execution ids. */
  async start(): Promise<string[]> {
    const { replicas } = this.options;
    if (replicas) await replicas.tick();
    const adopted = await adoptUnfinished(replicas ? { ...this.context.core, isAlive: (owner) => replicas.isAlive(owner) } : this.context.core, undefined);
    this.context.core.engine.onEvent((event) => {
      if (event.type === 'execution-stopping') this.kick();
    });
    this.schedule();
    return adopted;
  }

  /** Runs a tick soon, instead of at the next interval. */
  kick(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), 0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.poller.stop();
  }

  /** The next tick: after the interval, or sooner when a window opens sooner on the engine's clock. */
  private schedule(): void {
    if (this.stopped) return;
    const { core } = this.context;
    // Another replica's execution this one advanced once (its agent reported a job) may have
    // noted a wake here: that timer belongs to the execution's owner.
    const wake = core.engine.nextWindowWake(this.owned);
    const untilWake = wake === null ? undefined : core.clock.realMsUntil?.(wake);
    this.timer = setTimeout(() => void this.tick(), untilWake === undefined ? this.options.tickMs : Math.min(this.options.tickMs, untilWake + 1));
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const { core } = this.context;
    try {
      const { replicas } = this.options;
      if (replicas) {
        await replicas.tick();
        if (replicas.isLeader) await this.adoptFromGoneReplicas(replicas);
      } else {
        // A `meridian run` or `resume` on this state dir that was killed or crashed leaves its
        // executions InProgress: nothing but a live server would carry them on.
        await this.adoptFromGone(isOwnerAlive);
      }
      const owned: string[] = [];
      for (const execution of await core.store.listExecutions(core.db, { unfinished: true })) {
        // This server's agent may run jobs of executions another replica drives.
        if (execution.status === 'Stopping' && execution.stopMode === 'abandon') {
          core.agent.abandon(execution.id, new MeridianError('INTERRUPTED', 'abandoned by a stop request'));
        }
        // Timers (window waits, bake, approval timeouts) are judged here, by the owner alone.
        if (execution.owner !== core.owner) continue;
        owned.push(execution.id);
        await core.engine.advance(execution.id);
      }
      this.owned = owned;
      // Jobs whose agent stopped renewing its lease run again elsewhere, or fail "agent lost".
      await expireLeases(core);
      core.agent.wake();
      await this.poller.pollDue();
    } catch (error) {
      this.options.onError(coerceError(error));
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  /** The leader takes over executions whose server stopped saying it is alive, then forgets the servers that are gone. */
  private async adoptFromGoneReplicas(replicas: Replicas): Promise<void> {
    await this.adoptFromGone((owner) => replicas.isAlive(owner));
    await replicas.pruneGone();
  }

  /** Takes over the unfinished executions whose owner `isAlive` says is gone. */
  private async adoptFromGone(isAlive: (owner: string | null) => boolean): Promise<void> {
    const { core } = this.context;
    const deps = { ...core, isAlive };
    for (const execution of await core.store.listExecutionHeads(core.db, { unfinished: true })) {
      if (execution.owner === core.owner || isAlive(execution.owner)) continue;
      // Another adopter (a `meridian resume`) got there first, or the execution ended since
      // the list was read (CONFLICT): nothing is wrong, it is simply not this server's.
      await adoptUnfinished(deps, execution.id).catch((error: unknown) => {
        if (!(error instanceof MeridianError && error.code === 'CONFLICT')) this.options.onError(coerceError(error));
      });
    }
  }
}
