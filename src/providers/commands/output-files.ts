/**
 * Copies the files a Commands action names (`files`, CodePipeline glob rules: `**` is
 * everything, `dir/*` the direct children of dir) from its primary folder into an output
 * folder, keeping relative paths and file modes.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { glob } from 'tinyglobby';
import { MeridianError } from '../../domain/errors.js';

const PARALLEL_COPIES = 16;

/** Returns how many files were copied; matching nothing is an error, as in CodeBuild. */
export async function copyOutputFiles(patterns: readonly string[], fromDir: string, toDir: string): Promise<number> {
  const files = await glob([...patterns], { cwd: fromDir, dot: true, onlyFiles: true });
  if (files.length === 0) {
    throw new MeridianError('ACTION_FAILED', `no files match ${patterns.join(', ')} in ${fromDir}; fix the output artifact's files patterns`);
  }
  const folders = new Set(files.map((file) => dirname(join(toDir, file))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  for (let start = 0; start < files.length; start += PARALLEL_COPIES) {
    await Promise.all(files.slice(start, start + PARALLEL_COPIES).map((file) => copyFile(join(fromDir, file), join(toDir, file))));
  }
  return files.length;
}

/** A pattern must stay inside the primary folder. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.startsWith('/')) return `files pattern ${pattern} must be relative to the primary input folder`;
  if (pattern.split('/').includes('..')) return `files pattern ${pattern} must not leave the primary input folder (..)`;
  return undefined;
}
