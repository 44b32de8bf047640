/** How one job (one attempt of one action) ended, as its agent reports it to the engine. */
import type { ActionError } from '../execution.js';
import type { TestReport } from '../test-report.js';

export interface JobOutcome {
  status: 'Succeeded' | 'Failed' | 'Abandoned';
  outputVariables?: Record<string, string>;
  error?: ActionError;
  summary?: string;
  reports?: TestReport[];
}
