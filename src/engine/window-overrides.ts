/**
 * An operator lets an execution deploy to a region outside its window: its actions waiting
 * for that window start at the next advance (by whichever process drives the execution), and
 * later ones of that region do not wait (window-waits.ts reads the override). Who, when and
 * why are recorded as an event.
 */
import { MeridianError } from '../domain/errors.js';
import { checkOneLine } from '../domain/one-line-text.js';
import { recordWindowOverride } from '../stores/state/window-records.js';
import type { EngineCore } from './engine-core.js';

/** Returns the actions that were waiting. */
export async function overrideWindow(core: EngineCore, executionId: string, region: string, by: string, reason: string): Promise<string[]> {
  checkOneLine('the reason for overriding a window (--reason)', reason);
  checkOneLine('who overrides (--by)', by);
  return core.write(executionId, async (tx, record) => {
    const snapshot = await core.store.snapshot(tx, executionId);
    const { execution } = snapshot;
    if (execution.status !== 'InProgress')
      throw new MeridianError('CONFLICT', `execution ${executionId} is ${execution.status}; a window can be overridden only while it is in progress`);
    const regions = execution.definition.regions.map((r) => r.name);
    if (!regions.includes(region))
      throw new MeridianError('NOT_FOUND', `pipeline ${execution.pipeline} has no region ${region}; its regions: ${regions.join(', ')}`);
    const waiting = snapshot.actions.filter((a) => a.region === region && a.status === 'Waiting' && a.waitingFor === 'window').map((a) => a.name);
    const at = core.clock.now().toISOString();
    await recordWindowOverride(tx, { executionId, region, by, reason, at });
    const what = waiting.length > 0 ? `starts ${waiting.join(', ')}` : 'no action waits yet; later ones will not';
    await record({
      type: 'window-override',
      description: `Window of ${region} overridden by ${by} (${what}): ${reason}`,
      data: { region, by, reason, at, actions: waiting },
    });
    return waiting;
  });
}
