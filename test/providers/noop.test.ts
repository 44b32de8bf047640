import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { noopProvider } from '../../src/providers/noop/index.js';
import { makeAction, makeTestContext } from './context.js';

describe('noop', () => {
  it('creates its outputs empty and succeeds', async () => {
    const test = await makeTestContext({ type: 'Compute/Meridian/Noop', outputs: ['a', 'b'] });
    expect(await noopProvider.run(test.ctx)).toEqual({ summary: 'did nothing' });
    expect([...test.outputs.keys()]).toEqual(['a', 'b']);
  });

  it('sleeps, then fails with the configured message', async () => {
    const test = await makeTestContext({ type: 'Compute/Meridian/Noop', configuration: { sleepMs: 30, fail: 'planned failure' } });
    const started = Date.now();
    const error = await noopProvider.run(test.ctx).catch((thrown: unknown) => thrown);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(error).toBeInstanceOf(MeridianError);
    expect((error as MeridianError).code).toBe('ACTION_FAILED');
    expect((error as MeridianError).message).toBe('planned failure');
  });

  it('stops sleeping on abort; a bare timeout signal becomes TIMEOUT', async () => {
    const test = await makeTestContext({ type: 'Compute/Meridian/Noop', configuration: { sleepMs: '60000' } });
    const running = noopProvider.run(test.ctx);
    test.abort(new DOMException('signal timed out', 'TimeoutError'));
    const error = await running.catch((thrown: unknown) => thrown);
    expect((error as MeridianError).code).toBe('TIMEOUT');
  });

  it('validates sleepMs', () => {
    expect(noopProvider.validate?.(makeAction({ type: 'Compute/Meridian/Noop', configuration: { sleepMs: 'soon' } }))).toHaveLength(1);
    expect(noopProvider.validate?.(makeAction({ type: 'Compute/Meridian/Noop', configuration: { sleepMs: 5 } }))).toEqual([]);
  });
});
