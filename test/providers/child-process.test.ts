import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { runProcess } from '../../src/providers/child-process.js';

describe('runProcess', () => {
  it('collects output and the exit code', async () => {
    const result = await runProcess('sh', ['-c', 'echo out; echo err >&2; exit 4'], { signal: new AbortController().signal });
    expect(result).toEqual({ exitCode: 4, signal: null, stdout: 'out\n', stderr: 'err\n' });
  });

  it('says when the program cannot be started', async () => {
    const error = await runProcess('no-such-program-meridian', [], { signal: new AbortController().signal }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MeridianError);
    expect((error as MeridianError).message).toContain('cannot run no-such-program-meridian');
  });

  it('does not start when already aborted', async () => {
    const reason = new MeridianError('TIMEOUT', 'late');
    await expect(runProcess('sh', ['-c', 'exit 0'], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const controller = new AbortController();
    const running = runProcess('sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'], {
      signal: controller.signal,
      killGraceMs: 100,
      onOutput: () => controller.abort(new MeridianError('ACTION_FAILED', 'stopped')),
    });
    const started = Date.now();
    await expect(running).rejects.toThrow('stopped');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
