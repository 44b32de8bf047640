/**
 * Where a build's buildspec comes from, as CodeBuild looks for it: the action's `BuildSpec`,
 * else the project's `Source.BuildSpec`, else `buildspec.yml` in the primary source. A
 * value with a line break is the buildspec itself (inline YAML); otherwise it is a path in
 * the primary source. Problems are YAML_FILE_ERRORs of DOWNLOAD_SOURCE.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { formatProblem } from '../../domain/errors.js';
import { PhaseError } from './build-log.js';
import { parseBuildspec, type Buildspec } from './buildspec.js';

const DEFAULT_PATH = 'buildspec.yml';
const MAX_PROBLEMS = 20;

export async function loadBuildspec(given: { action?: string; project?: string; origin: string }, primaryDir: string, primaryName: string): Promise<Buildspec> {
  const value = given.action ?? given.project;
  if (value !== undefined && /\r?\n/.test(value.trim())) return parse(value, `inline buildspec of ${given.action !== undefined ? 'the action' : given.origin}`);
  const path = value?.trim() ?? DEFAULT_PATH;
  if (path.startsWith('arn:') || path.startsWith('s3://')) {
    throw new PhaseError(
      'YAML_FILE_ERROR',
      `buildspec ${path} is in S3; Meridian reads a buildspec from the primary source or inline: put the file in the source and name its path`,
    );
  }
  if (isAbsolute(path) || path.split('/').includes('..')) {
    throw new PhaseError('YAML_FILE_ERROR', `buildspec path ${path} must be relative to the primary source (${primaryName}), without ..`);
  }
  let text: string;
  try {
    text = await readFile(join(primaryDir, path), 'utf8');
  } catch {
    const fix = value === undefined ? `add ${DEFAULT_PATH} to the source, or set BuildSpec to its path or to inline YAML` : 'fix the BuildSpec path';
    throw new PhaseError('YAML_FILE_ERROR', `no buildspec at ${path} in the primary source ${primaryName}: ${fix}`);
  }
  return parse(text, path);
}

function parse(text: string, file: string): Buildspec {
  const result = parseBuildspec(text, file);
  if ('buildspec' in result) return result.buildspec;
  const shown = result.problems.slice(0, MAX_PROBLEMS).map(formatProblem);
  if (result.problems.length > MAX_PROBLEMS) shown.push(`… and ${result.problems.length - MAX_PROBLEMS} more`);
  throw new PhaseError('YAML_FILE_ERROR', shown.join('\n'));
}
