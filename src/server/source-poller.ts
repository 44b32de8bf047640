/**
 * `PollForSourceChanges: true` / native `poll:`: every interval, `git ls-remote` the source's
 * branch; a commit not seen before starts one execution of it. The last commit seen is kept
 * in the store, so a restart neither misses a commit nor builds one twice. The first poll of
 * a source records where it stands without starting anything.
 */
import type { Pipeline, SourcePoll } from '../domain/pipeline.js';
import { startExecution } from '../engine/start-execution.js';
import { coerceError } from '../lib/coerce-error.js';
import { remoteHead } from '../providers/git-source/remote-head.js';
import { polledRevision, recordFirstPoll, recordPoll } from '../stores/state/source-poll-records.js';
import type { ServerContext } from './context.js';

const LS_REMOTE_TIMEOUT_MS = 30_000;

export class SourcePoller {
  private readonly due = new Map<string, number>();
  private readonly controller = new AbortController();

  constructor(
    private readonly context: ServerContext,
    private readonly onError: (error: Error) => void,
  ) {}

  stop(): void {
    this.controller.abort(new Error('server stopping'));
  }

  async pollDue(): Promise<void> {
    const now = Date.now();
    for (const pipeline of this.context.catalog.list()) {
      for (const poll of pipeline.polls) {
        const key = `${pipeline.name}/${poll.sourceActionName}`;
        if ((this.due.get(key) ?? 0) > now) continue;
        this.due.set(key, now + poll.intervalSeconds * 1000);
        await this.pollOne(pipeline, poll).catch((error: unknown) => this.onError(coerceError(error)));
      }
    }
  }

  private async pollOne(pipeline: Pipeline, poll: SourcePoll): Promise<void> {
    const { core, settings } = this.context;
    const action = pipeline.stages[0]?.actions.find((a) => a.name === poll.sourceActionName);
    if (!action) return;
    const override: { location?: string; branch?: string } = settings.sourceOverrides(pipeline.name)[action.name] ?? {};
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(LS_REMOTE_TIMEOUT_MS)]);
    const head = await remoteHead(action, override, signal);
    const at = core.clock.now().toISOString();
    const source = { pipeline: pipeline.name, sourceAction: action.name };
    const seen = await polledRevision(core.db, source);
    if (seen === head) {
      await recordPoll(core.db, source, { at });
      return;
    }
    if (seen === undefined) {
      await recordFirstPoll(core.db, source, head, at);
      return;
    }
    await startExecution(core.engine, pipeline, {
      trigger: { type: 'poll', detail: `new commit ${head.slice(0, 12)} on ${action.name}` },
      stateDir: core.stateDir,
      parameters: core.parameters,
      sourceOverrides: {
        ...settings.sourceOverrides(pipeline.name),
        [action.name]: { location: override.location ?? '', revision: head, ...(override.branch ? { branch: override.branch } : {}) },
      },
      alsoInTransaction: async (tx) => {
        await recordPoll(tx, source, { revision: head, at });
      },
    });
    core.agent.wake();
  }
}
