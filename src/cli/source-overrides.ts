import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MeridianError } from '../domain/errors.js';
import type { Pipeline } from '../domain/pipeline.js';
import type { SourceOverride } from '../domain/records.js';

const URL_LIKE = /^([a-z][a-z0-9+.-]*:\/\/|[^/]+@[^/:]+:)/i;

/**
 * `--source NAME=PATH_OR_URL[#BRANCH]`: NAME is a source action's name or its output artifact.
 * A local path is checked now, so a wrong path is bad input (exit 2), not a failed execution.
 */
export function parseSourceOverrides(pipeline: Pipeline, values: string[], cwd: string): Record<string, SourceOverride> {
  const sources = (pipeline.stages[0]?.actions ?? []).filter((a) => a.type.category === 'Source');
  const overrides: Record<string, SourceOverride> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new MeridianError('BAD_INPUT', `--source ${value}: write --source NAME=PATH_OR_URL[#BRANCH]`);
    const name = value.slice(0, eq);
    const target = value.slice(eq + 1);
    const action = sources.find((a) => a.name === name) ?? sources.find((a) => a.outputArtifacts.includes(name));
    if (!action) {
      const known = sources.map((a) => `${a.name} (artifact ${a.outputArtifacts.join(', ')})`).join(', ') || 'none';
      throw new MeridianError(
        'BAD_INPUT',
        `--source ${name}: pipeline ${pipeline.name} has no source action or source artifact named ${name}; its sources: ${known}`,
      );
    }
    const hash = target.lastIndexOf('#');
    const location = hash > 0 ? target.slice(0, hash) : target;
    const override: SourceOverride = { location: URL_LIKE.test(location) ? location : path.resolve(cwd, location) };
    if (hash > 0) override.branch = target.slice(hash + 1);
    if (!URL_LIKE.test(location)) checkLocalRepository(name, override);
    overrides[action.name] = override;
  }
  return overrides;
}

function checkLocalRepository(name: string, override: SourceOverride): void {
  const where = override.location;
  if (!fs.existsSync(where)) {
    throw new MeridianError('SOURCE', `--source ${name}: ${where} does not exist; point it at a git repository on this machine`);
  }
  try {
    execFileSync('git', ['-C', where, 'rev-parse', '--git-dir'], { stdio: 'pipe' });
  } catch {
    throw new MeridianError(
      'SOURCE',
      `--source ${name}: ${where} is not a git repository; run \`git init\` there and commit, or point --source at a repository`,
    );
  }
  if (override.branch) {
    try {
      execFileSync('git', ['-C', where, 'rev-parse', '--verify', '--quiet', `refs/heads/${override.branch}`], { stdio: 'pipe' });
    } catch {
      const branches = execFileSync('git', ['-C', where, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter(Boolean);
      throw new MeridianError(
        'SOURCE',
        `--source ${name}: ${where} has no branch ${override.branch}; its branches: ${branches.join(', ') || 'none (commit something first)'}`,
      );
    }
  }
}
