/**
 * A phase's `on-failure` [CB-SPEC]. The reference leaves some of it open; the choices made
 * here, in one place:
 *
 * - DEFAULT (unset): CodeBuild's phase transitions. INSTALL or PRE_BUILD failing skips to
 *   FINALIZING (no BUILD, POST_BUILD or artifact upload); BUILD failing still runs
 *   POST_BUILD and UPLOAD_ARTIFACTS; POST_BUILD failing still uploads artifacts.
 * - ABORT: nothing after the failed phase runs, artifacts are not uploaded.
 * - CONTINUE: the next phase runs as if the phase had succeeded (even after INSTALL or
 *   PRE_BUILD), but CODEBUILD_BUILD_SUCCEEDING becomes 0 and the build still ends FAILED:
 *   CONTINUE changes what runs next, not the outcome.
 * - RETRY[-count][-regex]: the failed attempt stops at once (like ABORT: a retry supersedes
 *   it) and the whole build starts again from fresh copies of its inputs, at most `count`
 *   times (default 3, 0–100). With a regex, the retry happens only when it matches the
 *   phase's error message (`Error while executing command: X. Reason: exit status N`);
 *   the regex is a POSIX extended regex, matched by bash's `[[ =~ ]]`. When no retry is
 *   left, or the regex does not match, the failure follows the DEFAULT transitions.
 */
export type OnFailure = { mode: 'DEFAULT' } | { mode: 'ABORT' } | { mode: 'CONTINUE' } | { mode: 'RETRY'; count: number; pattern?: string };

export const DEFAULT_RETRY_COUNT = 3;
const MAX_RETRY_COUNT = 100;

export function parseOnFailure(text: string): OnFailure | { problem: string } {
  if (text === 'ABORT' || text === 'CONTINUE') return { mode: text };
  // `RETRY-12abc` is a regex: a count is only digits followed by `-` or the end.
  const match = /^RETRY(?:-(\d+)(?=-|$))?(?:-(.+))?$/s.exec(text);
  if (!match) return { problem: `on-failure ${text} is not one of CodeBuild's values` };
  const count = match[1] === undefined ? DEFAULT_RETRY_COUNT : Number(match[1]);
  if (count > MAX_RETRY_COUNT) return { problem: `on-failure ${text} retries ${count} times; CodeBuild allows 0 to ${MAX_RETRY_COUNT}` };
  const pattern = match[2];
  if (pattern === undefined) return { mode: 'RETRY', count };
  try {
    new RegExp(pattern);
  } catch {
    return { problem: `on-failure ${text}: ${pattern} is not a valid regular expression` };
  }
  return { mode: 'RETRY', count, pattern };
}
