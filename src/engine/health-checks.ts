/**
 * The health checks of a rollout's bake (`checks:`): an HTTP URL that must answer 2xx within
 * five seconds, or a shell command that must exit 0, with `${region}` replaced by the region.
 * Commands run through the same runner as Commands condition rules.
 */
import type { RolloutCheck } from '../domain/pipeline.js';
import type { RuleCommandRunner } from '../domain/condition-rules.js';

export interface CheckOutcome {
  region: string;
  check: string;
  passed: boolean;
  detail: string;
}

const HTTP_TIMEOUT_MS = 5000;
const BODY_SHOWN = 200;

/** fetch says only "fetch failed"; its cause says what happened (`connect ECONNREFUSED 127.0.0.1:8080`). */
function describeFetchError(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  const cause = thrown.cause as { message?: unknown; code?: unknown } | undefined;
  const why = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : typeof cause?.code === 'string' ? cause.code : undefined;
  return why === undefined ? thrown.message : `${thrown.message} (${why})`;
}

export async function runCheck(check: RolloutCheck, region: string, executionId: string, commands: RuleCommandRunner | undefined): Promise<CheckOutcome> {
  const sub = (text: string): string => text.replaceAll('${region}', region);
  if (check.kind === 'http') {
    const url = sub(check.url);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      const body = await response.text();
      // A failing answer's body often says why (the reason a failed stage shows).
      const said = response.ok || body.trim() === '' ? '' : `: ${body.trim().slice(0, BODY_SHOWN)}`;
      return { region, check: `GET ${url}`, passed: response.ok, detail: `answered ${response.status}${said}` };
    } catch (thrown) {
      return { region, check: `GET ${url}`, passed: false, detail: `no answer: ${describeFetchError(thrown)}` };
    }
  }
  const command = sub(check.command);
  if (commands === undefined) return { region, check: command, passed: false, detail: 'no command runner in this process' };
  const result = await commands([command], { executionId, region, timeoutMs: 60_000 });
  const tail = result.output === '' ? '' : `: ${result.output.split('\n').slice(-2).join(' | ')}`;
  return { region, check: command, passed: result.exitCode === 0, detail: `exited ${result.exitCode}${tail}` };
}
