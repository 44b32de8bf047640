/**
 * What a command that only inspects a definition (validate, plan, export, import) can see of
 * the machine's state: exports, parameters and secrets of an existing state dir. It never
 * creates one, so `meridian validate` on a fresh checkout (in CI) leaves nothing behind and
 * finds nothing set.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../domain/errors.js';
import type { ParameterReader, SecretReader } from '../domain/jobs/host-services.js';
import { coerceError } from '../lib/coerce-error.js';
import { problem } from '../lib/problems.js';
import type { EnvironmentNeed } from '../definition/environment-needs.js';
import { openMeridian } from './open-meridian.js';

export interface MachineState {
  exports: Record<string, string>;
  /** Absent when there is no state dir: no parameter is set. */
  parameters?: ParameterReader;
  /** Absent when there is no state dir: no secret is set. */
  secrets?: SecretReader;
}

/** Runs `fn` with the state of `stateDir` when it holds a state database, else with nothing set. */
export async function withMachineState<T>(stateDir: string, fn: (state: MachineState) => Promise<T>): Promise<T> {
  if (!fs.existsSync(path.join(stateDir, 'state.db'))) return fn({ exports: {} });
  const meridian = await openMeridian(stateDir);
  try {
    return await fn({ exports: await meridian.exports.all(), parameters: meridian.parameters, secrets: meridian.secrets });
  } finally {
    await meridian.close();
  }
}

/** One warning per need the machine's state does not meet, naming the command that meets it. */
export async function missingEnvironment(needs: readonly EnvironmentNeed[], state: MachineState): Promise<Problem[]> {
  const warnings: Problem[] = [];
  for (const need of needs) {
    const reader = need.kind === 'parameter' ? state.parameters : state.secrets;
    const hint = `create it with ${provider(need)} before \`meridian run\` or \`meridian serve\``;
    const missing = problem(need.location, `${need.kind} ${need.name} (read by ${need.reader}) is not set on this machine`, hint);
    if (reader === undefined) {
      warnings.push(missing);
      continue;
    }
    try {
      await reader.get(need.name);
    } catch (thrown) {
      const cause = coerceError(thrown);
      warnings.push(
        cause.code === 'NOT_FOUND' ? missing : problem(need.location, `${need.kind} ${need.name} (read by ${need.reader}) cannot be read: ${cause.message}`),
      );
    }
  }
  return warnings;
}

/** The command that sets what a need names; a secret read by its JSON key needs a JSON value. */
function provider(need: EnvironmentNeed): string {
  if (need.kind === 'parameter') return `\`meridian params put ${need.name} VALUE\``;
  const [id = need.name, key = ''] = need.name.split(':');
  return `\`meridian secrets put ${id} --value-file FILE\`${key === '' ? '' : ` (FILE holding JSON with the key ${key})`}`;
}
