/**
 * A real ActionContext for provider tests: temp folders on disk, a log that collects text,
 * and parameter and secret readers backed by Maps (doubles of the reader interfaces only).
 * Everything it creates is removed when the test finishes.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import type { Action, ActionCategory, ActionOwner, ConfigValue, EnvironmentVariable } from '../../src/domain/pipeline.js';
import type { ActionContext } from '../../src/providers/provider.js';
import type { ApprovalOutcome, ParameterValue } from '../../src/domain/jobs/host-services.js';

export interface TestContextOptions {
  /** `Category/Owner/Provider`. */
  type: string;
  name?: string;
  region?: string;
  configuration?: Record<string, ConfigValue>;
  commands?: string[];
  outputVariables?: string[];
  environmentVariables?: EnvironmentVariable[];
  /** Input artifact name -> folder, in declaration order. */
  inputs?: Record<string, string>;
  outputs?: string[];
  sourceOverride?: ActionContext['sourceOverride'];
  parameters?: ParameterValue[];
  secrets?: Record<string, string>;
  awaitApproval?: () => Promise<ApprovalOutcome>;
}

export interface TestContext {
  ctx: ActionContext;
  /** Everything written to the log so far. */
  log(): string;
  masked: string[];
  waiting: string[];
  /** Output artifact name -> folder, for the outputs the provider created. */
  outputs: Map<string, string>;
  abort(reason?: unknown): void;
}

export async function makeTempDir(prefix = 'meridian-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function makeAction(options: TestContextOptions): Action {
  const [category = 'Compute', owner = 'Meridian', provider = 'Noop'] = options.type.split('/');
  return {
    name: options.name ?? 'act',
    type: { category: category as ActionCategory, owner: owner as ActionOwner, provider, version: '1' },
    runOrder: 1,
    region: options.region ?? 'eu-west-1',
    configuration: options.configuration ?? {},
    inputArtifacts: Object.keys(options.inputs ?? {}),
    outputArtifacts: options.outputs ?? [],
    commands: options.commands,
    outputVariables: options.outputVariables,
    environmentVariables: options.environmentVariables,
  };
}

export async function makeTestContext(options: TestContextOptions): Promise<TestContext> {
  const workDir = await makeTempDir('meridian-work-');
  const chunks: string[] = [];
  const masked: string[] = [];
  const waiting: string[] = [];
  const outputs = new Map<string, string>();
  let scratch: string | undefined;
  const controller = new AbortController();
  const parameters = new Map((options.parameters ?? []).map((parameter) => [parameter.name, parameter]));
  const secrets = new Map(Object.entries(options.secrets ?? {}));

  const ctx: ActionContext = {
    executionId: 'exec-1',
    pipelineName: 'pipe',
    action: makeAction(options),
    attempt: 1,
    workDir,
    inputs: new Map(Object.entries(options.inputs ?? {})),
    inputRevisions: new Map(),
    resources: {},
    artifactStores: {},
    stateDir: join(workDir, 'state'),
    toolPath: join(workDir, 'bin'),
    async cacheDir(key) {
      const dir = join(workDir, 'cache', key);
      await mkdir(dir, { recursive: true });
      return dir;
    },
    async scratchDir() {
      // Outside workDir, as the agent's is.
      scratch ??= await makeTempDir('meridian-scratch-');
      return scratch;
    },
    async outputDir(name) {
      const existing = outputs.get(name);
      if (existing) return existing;
      const dir = join(workDir, 'out', name);
      await mkdir(dir, { recursive: true });
      outputs.set(name, dir);
      return dir;
    },
    log: { write: (text) => void chunks.push(text) },
    mask: (value) => void masked.push(value),
    parameters: {
      get(name) {
        const parameter = parameters.get(name);
        return parameter ? Promise.resolve(parameter) : Promise.reject(new MeridianError('NOT_FOUND', `parameter ${name} not found`));
      },
    },
    secrets: {
      get(reference) {
        const secret = secrets.get(reference);
        return secret !== undefined ? Promise.resolve(secret) : Promise.reject(new MeridianError('NOT_FOUND', `secret ${reference} not found`));
      },
    },
    sourceOverride: options.sourceOverride,
    signal: controller.signal,
    setWaiting(reason) {
      waiting.push(reason);
      return Promise.resolve();
    },
    awaitApproval: options.awaitApproval ?? (() => new Promise<ApprovalOutcome>(() => undefined)),
  };
  return { ctx, log: () => chunks.join(''), masked, waiting, outputs, abort: (reason?: unknown) => controller.abort(reason) };
}

/** Resolves once `text` has appeared in the log. */
export async function logShows(test: TestContext, text: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!test.log().includes(text)) {
    if (Date.now() - started > timeoutMs) throw new Error(`log never showed ${text}; it has:\n${test.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
