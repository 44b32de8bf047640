/**
 * Where a build's buildspec comes from, as CodeBuild looks for it: the action's `BuildSpec`,
 * else the project's `Source.BuildSpec`, else `buildspec.yml` in the primary source. A
 * value with a line break is the buildspec itself (inline YAML); otherwise it is a path in
 * the primary source. Problems are YAML_FILE_ERRORs of DOWNLOAD_SOURCE.
 *
 * A buildspec is at most MAX_BUILDSPEC_BYTES (docs/formats.md): whoever pushes to the
 * repository writes it, and it is parsed where the job runs, which for the server's own agent
 * is the server's event loop.
 */
import { isAbsolute, join } from 'node:path';
import { formatProblem } from '../../domain/errors.js';
import { bytesText, readTextWithin } from '../../lib/bounded-read.js';
import { PhaseError } from './build-log.js';
import { parseBuildspec, type Buildspec } from './buildspec.js';

const DEFAULT_PATH = 'buildspec.yml';
const MAX_PROBLEMS = 20;
/** Far above real buildspecs (a few KB; large ones some tens of KB), far below what takes the parser seconds. */
export const MAX_BUILDSPEC_BYTES = 256 * 1024;

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
  let read: Awaited<ReturnType<typeof readTextWithin>>;
  try {
    read = await readTextWithin(join(primaryDir, path), MAX_BUILDSPEC_BYTES);
  } catch {
    const fix = value === undefined ? `add ${DEFAULT_PATH} to the source, or set BuildSpec to its path or to inline YAML` : 'fix the BuildSpec path';
    throw new PhaseError('YAML_FILE_ERROR', `no buildspec at ${path} in the primary source ${primaryName}: ${fix}`);
  }
  if ('tooLarge' in read) throw tooLarge(`${path} in the primary source ${primaryName}`, read.tooLarge.size);
  return parse(read.text, path);
}

function tooLarge(file: string, size: number): PhaseError {
  return new PhaseError(
    'YAML_FILE_ERROR',
    `buildspec ${file} is ${bytesText(size)}; Meridian reads a buildspec of at most ${bytesText(MAX_BUILDSPEC_BYTES)}: ` +
      'keep long lists of values in a file the build reads (or in parameter-store / secrets-manager) rather than in the buildspec',
  );
}

function parse(text: string, file: string): Buildspec {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_BUILDSPEC_BYTES) throw tooLarge(file, size);
  const result = parseBuildspec(text, file);
  if ('buildspec' in result) return result.buildspec;
  const shown = result.problems.slice(0, MAX_PROBLEMS).map(formatProblem);
  if (result.problems.length > MAX_PROBLEMS) shown.push(`… and ${result.problems.length - MAX_PROBLEMS} more`);
  throw new PhaseError('YAML_FILE_ERROR', shown.join('\n'));
}
