/**
 * The composition root: one Meridian is a state database with its stores, the built-in
 * providers, an engine, the job dispatch and an embedded agent. The CLI (cli/open-meridian.ts,
 * which reads the environment) and the server (server/context.ts) both work with this one.
 */
import type { Kysely } from 'kysely';
import { EmbeddedAgent } from './agent/embedded-agent.js';
import { runRuleCommands } from './agent/rule-commands.js';
import { InProcessJobSource, type InProcessJobSourceOptions } from './engine/dispatch/in-process-job-source.js';
import { JobDispatch } from './engine/dispatch/job-dispatch.js';
import { Engine } from './engine/engine.js';
import { systemClock, type Clock } from './lib/clock.js';
import { sweepLeftovers } from './engine/attempt-leftovers.js';
import { makeOwnerId } from './lib/process-owner.js';
import { removeEmptyAttemptsRoot } from './lib/attempt-scratch.js';
import { registerBuiltinProviders } from './providers/builtin.js';
import { ProviderRegistry } from './providers/registry.js';
import { ExportsStore } from './stores/exports/exports-store.js';
import type { ParameterStore } from './stores/parameters/parameter-store.js';
import { chooseParameterStore, type ParameterStoreSetting } from './stores/parameters/parameter-store-choice.js';
import { loadMasterKey, masterKeyFile } from './stores/secrets/crypto.js';
import { hideFromActions } from './providers/action-shield.js';
import { LocalSecretStore } from './stores/secrets/local-secret-store.js';
import { openStateDb } from './stores/state/open-state-db.js';
import { listenForJobs } from './stores/state/postgres/job-notifications.js';
import { isPostgresUrl } from './stores/state/postgres/open-postgres.js';
import type { Database } from './stores/state/schema.js';
import { StateStore } from './stores/state/state-store.js';

export interface Meridian {
  stateDir: string;
  db: Kysely<Database>;
  store: StateStore;
  engine: Engine;
  agent: EmbeddedAgent;
  /** Claims, leases and reports of jobs: the embedded agent's and remote agents' (through the server). */
  dispatch: JobDispatch;
  registry: ProviderRegistry;
  parameters: ParameterStore;
  secrets: LocalSecretStore;
  exports: ExportsStore;
  owner: string;
  clock: Clock;
  /** Several servers on one PostgreSQL database: `fn` hears of jobs queued by any of them, by region. */
  onJobsNotified: (fn: (region: string) => void) => () => void;
  /** Errors from background work (the agent's loop), reported once the command ends. */
  backgroundErrors: Error[];
  /** With `followOnly`: the executions whose jobs the embedded agent runs (runToEnd adds the rollbacks they start). */
  followed: Set<string>;
  close(): Promise<void>;
}

export interface MeridianOptions {
  stateDir: string;
  /** `postgres://…`; unset: SQLite in the state dir. */
  dbUrl?: string | undefined;
  /** The master key as configured (base64 or hex); unset: `<state-dir>/master.key`. */
  masterKey?: string | undefined;
  parameterStore?: ParameterStoreSetting;
  /** The S3 endpoint for regions whose artifact store is a bucket; unset: AWS. */
  s3Endpoint?: string | undefined;
  /** Jobs the embedded agent runs at once (default 64). */
  concurrency?: number;
  /** The embedded agent runs only the jobs of `followed` executions. */
  followOnly?: boolean;
  clock?: Clock;
  leaseMs?: number;
  /** Regions whose jobs the embedded agent leaves to remote agents (`*`: all). */
  exceptRegions?: string[];
  agentLabels?: string[];
}

/** How long a job's lease lasts without renewal (`serve --lease`). */
export const DEFAULT_LEASE_MS = 30_000;

export async function makeMeridian(options: MeridianOptions): Promise<Meridian> {
  const { stateDir, dbUrl } = options;
  const db = await openStateDb(stateDir, dbUrl);
  const clock = options.clock ?? systemClock;
  const owner = makeOwnerId();
  const store = new StateStore(db);
  // Programs and scratch folders of attempts a killed Meridian left behind, whose job is over.
  await sweepLeftovers(db, stateDir);
  const key = loadMasterKey({ stateDir, envValue: options.masterKey });
  hideFromActions(masterKeyFile(stateDir));
  const parameters = chooseParameterStore(db, () => key, options.parameterStore ?? {});
  const secrets = new LocalSecretStore(db, key);
  const exports = new ExportsStore(db);
  const registry = registerBuiltinProviders(new ProviderRegistry());
  const backgroundErrors: Error[] = [];
  // The engine wakes the agent when it queues jobs; the agent reports to the engine.
  const wake = { agent: undefined as EmbeddedAgent | undefined };
  const engine = new Engine({ store, clock, owner, onJobsQueued: () => wake.agent?.wake(), ruleCommands: runRuleCommands });
  const sourceOptions: InProcessJobSourceOptions = { owner };
  const followed = new Set<string>();
  if (options.followOnly) sourceOptions.executionIds = () => [...followed];
  if (options.exceptRegions) sourceOptions.exceptRegions = options.exceptRegions;
  if (options.agentLabels) sourceOptions.labels = options.agentLabels;
  const dispatch = new JobDispatch({ store, engine }, options.leaseMs ?? DEFAULT_LEASE_MS);
  const hostDeps: ConstructorParameters<typeof InProcessJobSource>[0] = { engine, store, stateDir, parameters, secrets, dispatch };
  if (options.s3Endpoint !== undefined) hostDeps.s3Endpoint = options.s3Endpoint;
  const source = new InProcessJobSource(hostDeps, sourceOptions);
  const agent = new EmbeddedAgent({ source, registry }, { concurrency: options.concurrency ?? 64, onError: (error) => backgroundErrors.push(error) });
  wake.agent = agent;
  // Several servers on one PostgreSQL database: jobs queued by another one wake this agent.
  // The server's long-polling remote agents hear of them too (JobWaiters).
  const notified = new Set<(region: string) => void>();
  const except = options.exceptRegions ?? [];
  const onJob = (region: string): void => {
    // A region that only remote agents run: nothing for the embedded agent to claim.
    if (!except.includes('*') && !except.includes(region)) agent.wake();
    for (const fn of notified) fn(region);
  };
  const listener = dbUrl !== undefined && isPostgresUrl(dbUrl) ? await listenForJobs(dbUrl, onJob, (error) => backgroundErrors.push(error)) : undefined;
  return {
    stateDir,
    db,
    store,
    engine,
    agent,
    dispatch,
    registry,
    parameters,
    secrets,
    exports,
    owner,
    clock,
    onJobsNotified: (fn) => {
      notified.add(fn);
      return () => notified.delete(fn);
    },
    backgroundErrors,
    followed,
    close: async () => {
      await agent.close(new Error('closing'));
      await listener?.close();
      await db.destroy();
      removeEmptyAttemptsRoot(stateDir);
    },
  };
}
