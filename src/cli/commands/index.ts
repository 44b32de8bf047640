import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerAgent } from './agent.js';
import { registerApprove } from './approve.js';
import { registerExecutions } from './executions.js';
import { registerExport } from './export.js';
import { registerExports } from './exports.js';
import { registerHalt } from './halt.js';
import { registerUnhalt } from './halt-lift.js';
import { registerHalts } from './halts.js';
import { registerImport } from './import.js';
import { registerLogs } from './logs.js';
import { registerMigrate } from './migrate.js';
import { registerPackage } from './package.js';
import { registerParams } from './params.js';
import { registerPlan } from './plan.js';
import { registerProviders } from './providers.js';
import { registerResume } from './resume.js';
import { registerRetry } from './retry.js';
import { registerRollback } from './rollback.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerSecrets } from './secrets.js';
import { registerServe } from './serve.js';
import { registerShow } from './show.js';
import { registerStop } from './stop.js';
import { registerTokens } from './tokens.js';
import { registerValidate } from './validate.js';
import { registerWindows } from './windows.js';

/**
 * Each command file exports one `register` function; this list is the CLI. A command
 * reports failure by throwing a MeridianError (mapped to an exit code in main.ts) or by
 * calling `setExit` (e.g. `run` exits 1 when the execution failed).
 */
export type RegisterCommand = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

export const commands: RegisterCommand[] = [
  registerRun,
  registerResume,
  registerValidate,
  registerPlan,
  registerRetry,
  registerRollback,
  registerStop,
  registerApprove,
  registerExecutions,
  registerShow,
  registerLogs,
  registerSchema,
  registerParams,
  registerSecrets,
  registerExports,
  registerPackage,
  registerImport,
  registerExport,
  registerProviders,
  registerServe,
  registerMigrate,
  registerTokens,
  registerAgent,
  registerWindows,
  registerHalt,
  registerUnhalt,
  registerHalts,
];
