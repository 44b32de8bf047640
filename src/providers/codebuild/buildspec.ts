/**
 * Reads a CodeBuild buildspec (versions 0.2 and 0.1) into a checked model. Every problem
 * is collected with the line and column it was written at and a hint, as CodeBuild's
 * YAML_FILE_ERROR would name it; nothing here runs anything.
 */
import type { Problem } from '../../domain/errors.js';
import type { SourceLocation } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import { parseYaml } from '../../lib/yaml/parse-yaml.js';
import { parseOnFailure, type OnFailure } from './on-failure.js';

export const PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface PhaseSpec {
  runAs?: string;
  onFailure: OnFailure;
  runtimeVersions: Array<{ runtime: string; version: string; at: SourceLocation }>;
  commands: string[];
  finally: string[];
}

export interface ArtifactSpec {
  files: Array<{ pattern: string; at: SourceLocation }>;
  name?: string;
  baseDirectory?: { pattern: string; at: SourceLocation };
  discardPaths: boolean;
  excludePaths: string[];
  enableSymlinks: boolean;
}

export const REPORT_FORMATS = [
  'JUNITXML',
  'CUCUMBERJSON',
  'NUNITXML',
  'NUNIT3XML',
  'TESTNGXML',
  'VISUALSTUDIOTRX',
  'CLOVERXML',
  'COBERTURAXML',
  'JACOCOXML',
  'SIMPLECOV',
] as const;

export interface ReportSpec {
  group: string;
  files: Array<{ pattern: string; at: SourceLocation }>;
  baseDirectory?: { pattern: string; at: SourceLocation };
  discardPaths: boolean;
  format: (typeof REPORT_FORMATS)[number];
}

export interface NamedValue {
  name: string;
  value: string;
  at: SourceLocation;
}

export interface Buildspec {
  version: '0.1' | '0.2';
  /** The name messages use: a path in the primary source, or `inline buildspec of <project>`. */
  file: string;
  runAs?: string;
  env: {
    shell: 'bash' | 'sh';
    variables: NamedValue[];
    parameterStore: NamedValue[];
    secretsManager: NamedValue[];
    exportedVariables: string[];
  };
  phases: Partial<Record<PhaseName, PhaseSpec>>;
  artifacts?: ArtifactSpec & { secondary: Record<string, ArtifactSpec> };
  cachePaths: string[];
  reports: ReportSpec[];
  /** Keys accepted for compatibility that mean nothing on this host, for the log. */
  notApplicable: string[];
}

export type BuildspecResult = { buildspec: Buildspec } | { problems: Problem[] };

const TOP_KEYS = ['version', 'run-as', 'env', 'proxy', 'batch', 'phases', 'reports', 'artifacts', 'cache'];
/** Version 0.1 spelled `env` as `environment_variables` with `plaintext` [CB-HIST]. */
const TOP_KEYS_01 = [...TOP_KEYS, 'environment_variables'];
const ENV_KEYS = ['shell', 'variables', 'parameter-store', 'secrets-manager', 'exported-variables', 'git-credential-helper'];
const PHASE_KEYS = ['run-as', 'on-failure', 'runtime-versions', 'commands', 'finally'];
const ARTIFACT_KEYS = ['files', 'name', 'discard-paths', 'base-directory', 'exclude-paths', 'enable-symlinks', 's3-prefix'];
const REPORT_KEYS = ['files', 'base-directory', 'discard-paths', 'file-format'];
const SHELLS: Record<string, 'bash' | 'sh'> = { bash: 'bash', '/bin/bash': 'bash', sh: 'sh', '/bin/sh': 'sh' };
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Json = unknown;

class Reader {
  readonly problems: Problem[] = [];
  constructor(private readonly locator: Locator) {}

  at(path: Path): SourceLocation {
    return this.locator.at(path);
  }

  report(path: Path, message: string, hint?: string, key = false): void {
    this.problems.push(problem(key ? this.locator.keyAt(path) : this.locator.at(path), message, hint));
  }

  map(value: Json, path: Path, what: string): Record<string, Json> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, Json>;
    this.report(path, `${what} must be a mapping`, `write ${what} as \`key: value\` lines indented under it`);
    return undefined;
  }

  keys(map: Record<string, Json>, path: Path, allowed: readonly string[], where: string): void {
    for (const key of Object.keys(map)) {
      if (allowed.includes(key)) continue;
      this.report(
        [...path, key],
        `unknown key \`${key}\` in ${where}`,
        didYouMean(key, allowed) ?? `the keys of ${where} are ${listWords(allowed, 'and')}`,
        true,
      );
    }
  }

  /** A scalar as CodeBuild reads it: numbers and booleans as their text. */
  scalar(value: Json, path: Path, what: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.report(path, `${what} must be a single value`, 'quote it if it contains `: ` or starts with `{`, `[` or `-`');
    return undefined;
  }

  list(value: Json, path: Path, what: string): string[] {
    if (value === undefined || value === null) return [];
    const items = Array.isArray(value) ? value : [value];
    const out: string[] = [];
    items.forEach((item, i) => {
      const text = this.scalar(item, Array.isArray(value) ? [...path, i] : path, `each item of ${what}`);
      if (text !== undefined) out.push(text);
    });
    return out;
  }

  located(value: Json, path: Path, what: string): Array<{ pattern: string; at: SourceLocation }> {
    const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    return this.list(value, path, what).map((pattern, i) => ({ pattern, at: this.at(items.length === 1 && !Array.isArray(value) ? path : [...path, i]) }));
  }

  yesNo(value: Json, path: Path, what: string): boolean {
    if (value === undefined || value === null) return false;
    const text = typeof value === 'string' || typeof value === 'boolean' ? String(value).toLowerCase() : '';
    if (['yes', 'true'].includes(text)) return true;
    if (['no', 'false'].includes(text)) return false;
    this.report(path, `${what} must be yes or no`, `write ${what}: yes`);
    return false;
  }
}

export function parseBuildspec(text: string, file: string): BuildspecResult {
  const parsed = parseYaml(text, file);
  if (parsed.syntaxProblems.length > 0) return { problems: parsed.syntaxProblems };
  const r = new Reader(parsed.locator);
  const root = r.map(parsed.doc.toJS() as Json, [], 'the buildspec');
  if (!root) {
    r.report([], 'the buildspec is empty or not a mapping', 'start it with `version: 0.2` and a `phases:` mapping');
    return { problems: r.problems };
  }
  const version = r.scalar(root.version, ['version'], '`version`');
  if (version === undefined) {
    r.report([], 'the buildspec has no `version`', 'add `version: 0.2` as its first line');
    return { problems: r.problems };
  }
  if (version !== '0.2' && version !== '0.1') {
    r.report(['version'], `buildspec version ${version} is not supported`, 'use `version: 0.2` (or 0.1, which runs each command in its own shell)');
    return { problems: r.problems };
  }
  r.keys(root, [], version === '0.1' ? TOP_KEYS_01 : TOP_KEYS, 'a buildspec');

  const spec: Buildspec = {
    version,
    file,
    env: { shell: 'bash', variables: [], parameterStore: [], secretsManager: [], exportedVariables: [] },
    phases: {},
    cachePaths: [],
    reports: [],
    notApplicable: [],
  };
  const runAs = r.scalar(root['run-as'], ['run-as'], '`run-as`');
  if (runAs !== undefined) spec.runAs = runAs;
  if (version === '0.1' && root.environment_variables !== undefined) readEnv01(r, root.environment_variables, spec);
  else readEnv(r, root.env, spec);
  for (const key of ['proxy', 'batch'] as const) {
    if (root[key] !== undefined)
      spec.notApplicable.push(
        `${key}: ${key === 'proxy' ? 'there is no proxy between the build and Meridian' : 'batch builds are not run; this is a single build'}`,
      );
  }
  readPhases(r, root.phases, spec);
  readArtifacts(r, root.artifacts, spec);
  readReports(r, root.reports, spec);
  const cache = r.map(root.cache, ['cache'], '`cache`');
  if (cache) {
    r.keys(cache, ['cache'], ['paths'], '`cache`');
    spec.cachePaths = r.list(cache.paths, ['cache', 'paths'], '`cache.paths`');
  }
  return r.problems.length > 0 ? { problems: r.problems } : { buildspec: spec };
}

function readEnv(r: Reader, value: Json, spec: Buildspec): void {
  const env = r.map(value, ['env'], '`env`');
  if (!env) return;
  r.keys(env, ['env'], ENV_KEYS, '`env`');
  const shell = r.scalar(env.shell, ['env', 'shell'], '`env.shell`');
  if (shell !== undefined) {
    const known = SHELLS[shell];
    if (known) spec.env.shell = known;
    else r.report(['env', 'shell'], `shell ${shell} is not available on a Linux host`, 'use `shell: bash` or `shell: /bin/sh`');
  }
  spec.env.variables = readNamedValues(r, env.variables, ['env', 'variables'], '`env.variables`');
  spec.env.parameterStore = readNamedValues(r, env['parameter-store'], ['env', 'parameter-store'], '`env.parameter-store`');
  spec.env.secretsManager = readNamedValues(r, env['secrets-manager'], ['env', 'secrets-manager'], '`env.secrets-manager`');
  const exported = r.list(env['exported-variables'], ['env', 'exported-variables'], '`env.exported-variables`');
  exported.forEach((name, i) => {
    if (!NAME.test(name)) r.report(['env', 'exported-variables', i], `${name} is not a variable name`, 'use letters, digits and _ only');
  });
  spec.env.exportedVariables = exported.filter((name) => NAME.test(name));
  if (env['git-credential-helper'] !== undefined && r.yesNo(env['git-credential-helper'], ['env', 'git-credential-helper'], '`git-credential-helper`')) {
    spec.notApplicable.push('git-credential-helper: the source was fetched by Meridian; builds use the host git configuration');
  }
}

function readEnv01(r: Reader, value: Json, spec: Buildspec): void {
  const env = r.map(value, ['environment_variables'], '`environment_variables`');
  if (!env) return;
  r.keys(env, ['environment_variables'], ['plaintext'], '`environment_variables`');
  spec.env.variables = readNamedValues(r, env.plaintext, ['environment_variables', 'plaintext'], '`environment_variables.plaintext`');
}

function readNamedValues(r: Reader, value: Json, path: Path, what: string): NamedValue[] {
  const map = r.map(value, path, what);
  if (!map) return [];
  const out: NamedValue[] = [];
  for (const [name, item] of Object.entries(map)) {
    if (!NAME.test(name)) {
      r.report([...path, name], `${name} is not an environment variable name`, 'use letters, digits and _ only, not starting with a digit', true);
      continue;
    }
    if (name.startsWith('CODEBUILD_')) {
      r.report([...path, name], `${name}: names starting with CODEBUILD_ are reserved for CodeBuild's own variables`, 'rename the variable', true);
      continue;
    }
    out.push({ name, value: r.scalar(item, [...path, name], name) ?? '', at: r.at([...path, name]) });
  }
  return out;
}

function readPhases(r: Reader, value: Json, spec: Buildspec): void {
  const phases = r.map(value, ['phases'], '`phases`');
  if (!phases) return;
  r.keys(phases, ['phases'], PHASES, '`phases`');
  for (const name of PHASES) {
    const path = ['phases', name];
    if (!(name in phases)) continue;
    const phase = r.map(phases[name], path, `phase ${name}`) ?? {};
    r.keys(phase, path, name === 'install' ? PHASE_KEYS : PHASE_KEYS.filter((key) => key !== 'runtime-versions'), `phase ${name}`);
    const commands = r.list(phase.commands, [...path, 'commands'], '`commands`');
    const runtimes = r.map(phase['runtime-versions'], [...path, 'runtime-versions'], '`runtime-versions`') ?? {};
    if (commands.length === 0 && !(name === 'install' && Object.keys(runtimes).length > 0)) {
      r.report(path, `phase ${name} has no commands`, `add \`commands:\` with at least one command under ${name}, or remove the phase`, true);
    }
    const onFailureText = r.scalar(phase['on-failure'], [...path, 'on-failure'], '`on-failure`');
    const onFailure = onFailureText === undefined ? { mode: 'DEFAULT' as const } : parseOnFailure(onFailureText);
    if ('problem' in onFailure) {
      r.report([...path, 'on-failure'], onFailure.problem, 'use ABORT, CONTINUE, RETRY, RETRY-<count>, RETRY-<regex> or RETRY-<count>-<regex>');
    }
    const spec0: PhaseSpec = {
      onFailure: 'problem' in onFailure ? { mode: 'DEFAULT' } : onFailure,
      runtimeVersions: Object.entries(runtimes).map(([runtime, version]) => ({
        runtime,
        version: r.scalar(version, [...path, 'runtime-versions', runtime], runtime) ?? '',
        at: r.at([...path, 'runtime-versions', runtime]),
      })),
      commands,
      finally: r.list(phase.finally, [...path, 'finally'], '`finally`'),
    };
    const runAs = r.scalar(phase['run-as'], [...path, 'run-as'], '`run-as`');
    if (runAs !== undefined) spec0.runAs = runAs;
    spec.phases[name] = spec0;
  }
}

function readArtifact(r: Reader, value: Json, path: Path, what: string, allowed: readonly string[]): ArtifactSpec | undefined {
  const map = r.map(value, path, what);
  if (!map) return undefined;
  r.keys(map, path, allowed, what);
  if (map.files === undefined) r.report(path, `${what} has no \`files\``, "add `files: ['**/*']` (CodeBuild requires it, even with only secondary artifacts)");
  const artifact: ArtifactSpec = {
    files: r.located(map.files, [...path, 'files'], '`files`'),
    discardPaths: r.yesNo(map['discard-paths'], [...path, 'discard-paths'], '`discard-paths`'),
    excludePaths: r.list(map['exclude-paths'], [...path, 'exclude-paths'], '`exclude-paths`'),
    enableSymlinks: r.yesNo(map['enable-symlinks'], [...path, 'enable-symlinks'], '`enable-symlinks`'),
  };
  const name = r.scalar(map.name, [...path, 'name'], '`name`');
  if (name !== undefined) artifact.name = name;
  const base = r.scalar(map['base-directory'], [...path, 'base-directory'], '`base-directory`');
  if (base !== undefined) artifact.baseDirectory = { pattern: base, at: r.at([...path, 'base-directory']) };
  return artifact;
}

function readArtifacts(r: Reader, value: Json, spec: Buildspec): void {
  const primary = readArtifact(r, value, ['artifacts'], '`artifacts`', [...ARTIFACT_KEYS, 'secondary-artifacts']);
  if (!primary) return;
  const secondary: Record<string, ArtifactSpec> = {};
  const map = (value ?? {}) as Record<string, Json>;
  const entries = r.map(map['secondary-artifacts'], ['artifacts', 'secondary-artifacts'], '`secondary-artifacts`') ?? {};
  for (const [id, item] of Object.entries(entries)) {
    const artifact = readArtifact(r, item, ['artifacts', 'secondary-artifacts', id], `secondary artifact ${id}`, ARTIFACT_KEYS);
    if (artifact) secondary[id] = artifact;
  }
  spec.artifacts = { ...primary, secondary };
}

function readReports(r: Reader, value: Json, spec: Buildspec): void {
  const reports = r.map(value, ['reports'], '`reports`');
  if (!reports) return;
  for (const [group, item] of Object.entries(reports)) {
    const path = ['reports', group];
    const map = r.map(item, path, `report group ${group}`);
    if (!map) continue;
    r.keys(map, path, REPORT_KEYS, `report group ${group}`);
    const format = (r.scalar(map['file-format'], [...path, 'file-format'], '`file-format`') ?? 'JUNITXML').toUpperCase();
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      r.report([...path, 'file-format'], `unknown report file-format ${format}`, didYouMean(format, REPORT_FORMATS) ?? `use ${listWords(REPORT_FORMATS)}`);
      continue;
    }
    if (map.files === undefined) r.report(path, `report group ${group} has no \`files\``, "add `files: ['**/*.xml']`");
    const report: ReportSpec = {
      group,
      files: r.located(map.files, [...path, 'files'], '`files`'),
      discardPaths: r.yesNo(map['discard-paths'], [...path, 'discard-paths'], '`discard-paths`'),
      format: format as ReportSpec['format'],
    };
    const base = r.scalar(map['base-directory'], [...path, 'base-directory'], '`base-directory`');
    if (base !== undefined) report.baseDirectory = { pattern: base, at: r.at([...path, 'base-directory']) };
    spec.reports.push(report);
  }
}
