/**
 * The health check after a switch: an HTTP request from Meridian, or a command on the
 * target, tried up to `retries` times. Resolves with whether it passed and what the last
 * try saw, so a failure can say why.
 */
import { abortError, sleep, throwIfAborted, withDeadline } from '../abort.js';
import type { LogSink } from '../provider.js';
import type { HealthCheck } from './config.js';
import type { ReleaseTarget } from './target.js';

export interface HealthResult {
  ok: boolean;
  last: string;
}

export async function runHealthCheck(
  check: HealthCheck,
  target: ReleaseTarget,
  cwd: string,
  env: Record<string, string>,
  log: LogSink,
  signal: AbortSignal,
): Promise<HealthResult> {
  let last = 'not run';
  for (let attempt = 1; attempt <= check.retries; attempt++) {
    throwIfAborted(signal);
    const result = await withDeadline(signal, check.timeoutSeconds * 1000, (trySignal) =>
      once(check, target, cwd, env, trySignal).catch((error: unknown) => {
        if (signal.aborted) throw abortError(signal);
        return { ok: false, last: trySignal.aborted ? `no answer within ${check.timeoutSeconds}s` : describeFailure(error) };
      }),
    );
    last = result.last;
    log.write(`Health check ${attempt}/${check.retries}: ${result.ok ? 'passed' : 'failed'} (${last})\n`);
    if (result.ok) return result;
    if (attempt < check.retries) await sleep(check.intervalSeconds * 1000, signal);
  }
  return { ok: false, last };
}

async function once(check: HealthCheck, target: ReleaseTarget, cwd: string, env: Record<string, string>, signal: AbortSignal): Promise<HealthResult> {
  if (check.url !== undefined) {
    const response = await fetch(check.url, { signal, redirect: 'manual' });
    const body = await response.text();
    const snippet = body.slice(0, 200).replace(/\s+/g, ' ').trim();
    if (response.status !== check.expectStatus)
      return { ok: false, last: `${check.url} answered ${response.status}, expected ${check.expectStatus}: ${snippet}` };
    if (check.bodyContains !== undefined && !body.includes(check.bodyContains)) {
      return { ok: false, last: `${check.url} answered ${response.status} without \`${check.bodyContains}\` in its body: ${snippet}` };
    }
    return { ok: true, last: `${check.url} answered ${response.status}` };
  }
  let output = '';
  const code = await target.exec(check.command ?? 'true', {
    cwd,
    env,
    signal,
    onOutput: (text) => (output = (output + text).slice(-500)),
    leftovers: 'end',
  });
  const said = output.trim().replace(/\s+/g, ' ');
  return { ok: code === 0, last: `\`${check.command ?? ''}\` exited with ${String(code)}${said === '' ? '' : `: ${said}`}` };
}

/** fetch says only "fetch failed"; the reason (connection refused...) is in its cause. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: NodeJS.ErrnoException | undefined = error.cause instanceof Error ? error.cause : undefined;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused: nothing listens there';
  return cause ? `${error.message}: ${cause.message}` : error.message;
}
