/** A test report a build produced (CodeBuild `reports:`), kept with the action that ran it. */
export interface TestReport {
  /** The report group name from the buildspec, e.g. `unit-tests`. */
  name: string;
  format: 'JUNITXML' | 'CUCUMBERJSON';
  totals: { total: number; passed: number; failed: number; skipped: number; errored: number };
  durationMs: number | null;
  /** Failed and errored cases only, with their messages (secrets masked). */
  failures: Array<{ suite: string; name: string; status: 'FAILED' | 'ERROR'; message: string }>;
}
