import type { Migration } from 'kysely';
import * as core from './001-core.js';
import * as actionReports from './002-action-reports.js';
import * as server from './003-server.js';
import * as windows from './004-windows.js';
import * as agents from './005-agents.js';
import * as replicas from './006-replicas.js';
import * as rollbacks from './007-rollbacks.js';
import * as jobLabels from './008-job-labels.js';
import * as halts from './009-halts.js';
import * as approvalOnce from './010-approval-once.js';
import * as jobProcesses from './011-job-processes.js';
import * as stageErrors from './012-stage-errors.js';

/** Every migration, in order. Names are permanent: never rename or edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '001-core': core,
  '002-action-reports': actionReports,
  '003-server': server,
  '004-windows': windows,
  '005-agents': agents,
  '006-replicas': replicas,
  '007-rollbacks': rollbacks,
  '008-job-labels': jobLabels,
  '009-halts': halts,
  '010-approval-once': approvalOnce,
  '011-job-processes': jobProcesses,
  '012-stage-errors': stageErrors,
};
