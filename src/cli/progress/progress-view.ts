/**
 * Shows an execution while it runs: a live tree in a terminal, one plain line per event
 * otherwise, nothing with `--json` (stdout is the summary alone).
 */
import { createLogUpdate } from 'log-update';
import { actionLogPath, tailLog } from '../../stores/logs/action-log.js';
import type { EngineEvent } from '../../engine/engine-events.js';
import type { CliIO } from '../io.js';
import type { Meridian } from '../../meridian.js';
import { renderTree } from './live-tree.js';
import { plainLine } from './plain-progress.js';

export interface ProgressView {
  /** Draws the final state and releases the terminal. */
  finish(): Promise<void>;
}

const TAIL_LINES = 10;

export function showProgress(meridian: Meridian, io: CliIO, executionIds: () => string[], json: boolean): ProgressView {
  if (json) return { finish: () => Promise.resolve() };
  if (!io.isTTY) return plainView(meridian, io);
  return treeView(meridian, io, executionIds);
}

function plainView(meridian: Meridian, io: CliIO): ProgressView {
  const unsubscribe = meridian.engine.onEvent((event: EngineEvent) => {
    io.out(plainLine(event));
    if (event.type === 'action-finished' && event.data?.status === 'Failed' && event.stage && event.action) {
      const attempt = typeof event.data.attempt === 'number' ? event.data.attempt : 1;
      for (const line of tailLog(actionLogPath(meridian.stateDir, event.executionId, event.stage, event.action, attempt), TAIL_LINES)) {
        io.out(`    | ${line}\n`);
      }
    }
  });
  return {
    finish: () => {
      unsubscribe();
      return Promise.resolve();
    },
  };
}

function treeView(meridian: Meridian, io: CliIO, executionIds: () => string[]): ProgressView {
  const update = createLogUpdate(process.stdout, { showCursor: false });
  let drawing = Promise.resolve();
  const draw = (): Promise<void> => {
    drawing = drawing.then(async () => {
      const parts: string[] = [];
      for (const id of executionIds()) {
        const snapshot = await meridian.store.snapshot(meridian.db, id);
        const tails = new Map<string, string[]>();
        for (const action of snapshot.actions.filter((a) => a.status === 'Failed')) {
          const file = actionLogPath(meridian.stateDir, id, action.stage, action.name, action.attempts);
          tails.set(`${action.stageIndex}/${action.actionIndex}`, tailLog(file, TAIL_LINES));
        }
        parts.push(renderTree(snapshot, meridian.clock.now(), tails));
      }
      update(parts.join('\n\n'));
    });
    return drawing;
  };
  const timer = setInterval(() => void draw(), 100);
  const unsubscribe = meridian.engine.onEvent(() => void draw());
  return {
    finish: async () => {
      clearInterval(timer);
      unsubscribe();
      await draw();
      update.done();
      io.out('');
    },
  };
}
