/**
 * The release action's configuration, read once into a typed value. Native YAML gives
 * lists and maps; a CodePipeline template gives strings, so structured values (`shared`,
 * `hooks`, `healthCheck`) are also accepted as JSON text.
 */
import type { Action, ConfigValue } from '../../domain/pipeline.js';
import { configBoolean, configString, structuredValue } from '../config.js';
import type { ConfigProblem } from '../provider.js';

export const RELEASE_MODES = ['prepare', 'activate', 'deploy'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

/** A local root is absolute, or relative to the state dir (resolved when the action runs). */
export type TargetLocation = { kind: 'local'; root: string } | { kind: 'ssh'; user?: string; host: string; port?: number; root: string };

export interface Hooks {
  beforeActivate?: string;
  activate?: string;
  afterActivate?: string;
}

export interface HealthCheck {
  url?: string;
  expectStatus: number;
  bodyContains?: string;
  command?: string;
  retries: number;
  intervalSeconds: number;
  timeoutSeconds: number;
}

export interface ReleaseConfig {
  target: TargetLocation;
  mode: ReleaseMode;
  artifact?: string;
  path?: string;
  releaseId?: string;
  /** Where the released service answers; printed after a run and exported as `Url`. */
  url?: string;
  keep: number;
  shared: string[];
  hooks: Hooks;
  healthCheck?: HealthCheck;
  sshKey?: string;
  knownHosts?: string;
  strictHostKeyChecking: boolean;
}

export type ParsedConfig = { config: ReleaseConfig; problems: [] } | { config?: undefined; problems: ConfigProblem[] };

const HOOK_NAMES = ['beforeActivate', 'activate', 'afterActivate'] as const;
/** A release id becomes a folder name on the target. */
const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseReleaseConfig(action: Action): ParsedConfig {
  const problems: ConfigProblem[] = [];
  const target = parseTarget(configString(action, 'target'), problems);
  const modeText = configString(action, 'mode') ?? 'deploy';
  const mode = (RELEASE_MODES as readonly string[]).includes(modeText) ? (modeText as ReleaseMode) : undefined;
  if (!mode) problems.push({ field: 'mode', message: `mode \`${modeText}\` is not valid; use ${RELEASE_MODES.join(', ')}`, hint: 'write mode: deploy' });

  const releaseId = configString(action, 'releaseId');
  if (releaseId !== undefined && (!RELEASE_ID.test(releaseId) || releaseId.endsWith('.partial'))) {
    problems.push({ field: 'releaseId', message: `releaseId \`${releaseId}\` cannot be a folder name`, hint: 'use letters, digits, dot, dash and underscore' });
  }
  const url = configString(action, 'url');
  if (url !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    problems.push({ field: 'url', message: `url \`${url}\` is not a URL`, hint: 'e.g. url: http://127.0.0.1:8080' });
  const keep = wholeNumber(action.configuration.keep, 'keep', 5, 1, problems);
  const shared = parseShared(action.configuration.shared, problems);
  const hooks = parseHooks(action.configuration.hooks, problems);
  const healthCheck = parseHealthCheck(action.configuration.healthCheck, problems);

  const strictText = action.configuration.strictHostKeyChecking;
  const strict = configBoolean(action, 'strictHostKeyChecking');
  if (strictText !== undefined && strictText !== null && strict === undefined) {
    problems.push({ field: 'strictHostKeyChecking', message: 'strictHostKeyChecking must be true or false' });
  }
  if (!target || !mode || problems.length > 0) return { problems };
  return {
    problems: [],
    config: {
      target,
      mode,
      artifact: configString(action, 'artifact'),
      path: configString(action, 'path'),
      releaseId,
      url,
      keep,
      shared,
      hooks,
      healthCheck,
      sshKey: configString(action, 'sshKey'),
      knownHosts: configString(action, 'knownHosts'),
      strictHostKeyChecking: strict ?? true,
    },
  };
}

function parseTarget(text: string | undefined, problems: ConfigProblem[]): TargetLocation | undefined {
  const hint = 'e.g. target: file:///srv/app, /srv/app, deploy/eu-west-1 (inside the state dir) or ssh://deploy@host:22/srv/app';
  if (text === undefined) {
    problems.push({ field: 'target', message: 'target is required', hint });
    return undefined;
  }
  if (text.startsWith('ssh://')) {
    const match = /^ssh:\/\/(?:([^@/]+)@)?([^:/]+)(?::(\d+))?(\/.*)$/.exec(text);
    if (!match?.[2] || !match[4]) {
      problems.push({ field: 'target', message: `target \`${text}\` is not an ssh://user@host[:port]/path address`, hint });
      return undefined;
    }
    return { kind: 'ssh', user: match[1], host: match[2], port: match[3] === undefined ? undefined : Number(match[3]), root: trimSlash(match[4]) };
  }
  if (text.startsWith('file://')) {
    const path = decodeURIComponent(text.slice('file://'.length));
    if (!path.startsWith('/')) {
      problems.push({ field: 'target', message: `target \`${text}\` is not a file:///absolute/path URL`, hint });
      return undefined;
    }
    return { kind: 'local', root: trimSlash(path) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    problems.push({ field: 'target', message: `target \`${text}\` uses a scheme Meridian cannot release to`, hint });
    return undefined;
  }
  if (text.trim() === '' || (!text.startsWith('/') && text.split('/').includes('..'))) {
    problems.push({ field: 'target', message: `target \`${text}\` must be an absolute path or a folder inside the state dir`, hint });
    return undefined;
  }
  return { kind: 'local', root: trimSlash(text) };
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function isRecord(value: ConfigValue | undefined): value is Record<string, ConfigValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseShared(raw: ConfigValue | undefined, problems: ConfigProblem[]): string[] {
  const value = structuredValue(raw);
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value)
    ? value.map((item) => (typeof item === 'object' ? '' : String(item)))
    : typeof value === 'object'
      ? []
      : String(value).split(',');
  const paths = items.map((item) => item.trim().replace(/\/+$/, '')).filter((item) => item !== '');
  for (const path of paths) {
    if (path.startsWith('/') || path.split('/').includes('..')) {
      problems.push({ field: 'shared', message: `shared path \`${path}\` must stay inside the release`, hint: 'e.g. shared: [logs, config/app.env]' });
    }
  }
  return paths;
}

function parseHooks(raw: ConfigValue | undefined, problems: ConfigProblem[]): Hooks {
  const value = structuredValue(raw);
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    problems.push({ field: 'hooks', message: 'hooks must be a map of hook name to shell command', hint: 'e.g. hooks: { activate: "systemctl restart app" }' });
    return {};
  }
  const hooks: Hooks = {};
  for (const [name, command] of Object.entries(value)) {
    if (!(HOOK_NAMES as readonly string[]).includes(name)) {
      problems.push({ field: `hooks.${name}`, message: `unknown hook \`${name}\`; use ${HOOK_NAMES.join(', ')}` });
    } else if (typeof command !== 'string' || command.trim() === '') {
      problems.push({ field: `hooks.${name}`, message: `hook ${name} must be a shell command` });
    } else {
      hooks[name as keyof Hooks] = command;
    }
  }
  return hooks;
}

function parseHealthCheck(raw: ConfigValue | undefined, problems: ConfigProblem[]): HealthCheck | undefined {
  const value = structuredValue(raw);
  if (value === undefined || value === null) return undefined;
  const hint = 'e.g. healthCheck: { url: "http://127.0.0.1:8080/health", retries: 10 }';
  if (!isRecord(value)) {
    problems.push({ field: 'healthCheck', message: 'healthCheck must be a map', hint });
    return undefined;
  }
  const text = (key: string): string | undefined => {
    const item = value[key];
    return item === undefined || item === null || typeof item === 'object' || String(item) === '' ? undefined : String(item);
  };
  const url = text('url');
  const command = text('command');
  if ((url === undefined) === (command === undefined)) {
    problems.push({ field: 'healthCheck', message: 'healthCheck needs exactly one of url or command', hint });
  }
  if (url !== undefined && !/^https?:\/\//.test(url)) problems.push({ field: 'healthCheck.url', message: `\`${url}\` is not an http(s) URL` });
  return {
    url,
    command,
    bodyContains: text('bodyContains'),
    expectStatus: wholeNumber(value.expectStatus, 'healthCheck.expectStatus', 200, 100, problems),
    retries: wholeNumber(value.retries, 'healthCheck.retries', 10, 1, problems),
    intervalSeconds: positiveNumber(value.intervalSeconds, 'healthCheck.intervalSeconds', 1, problems),
    timeoutSeconds: positiveNumber(value.timeoutSeconds, 'healthCheck.timeoutSeconds', 5, problems),
  };
}

function wholeNumber(value: ConfigValue | undefined, field: string, fallback: number, min: number, problems: ConfigProblem[]): number {
  if (value === undefined || value === null || value === '') return fallback;
  const text = typeof value === 'object' ? '' : String(value);
  if (/^\d+$/.test(text) && Number(text) >= min) return Number(text);
  problems.push({ field, message: `${field} must be a whole number of at least ${min}` });
  return fallback;
}

function positiveNumber(value: ConfigValue | undefined, field: string, fallback: number, problems: ConfigProblem[]): number {
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'object' ? Number.NaN : Number(value);
  if (Number.isFinite(number) && number >= 0) return number;
  problems.push({ field, message: `${field} must be a number of seconds` });
  return fallback;
}
