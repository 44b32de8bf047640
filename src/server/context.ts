/**
 * What the server works with: one Meridian's stores, engine and agent (the CLI's
 * LocalMeridian fits), the loaded pipelines, and its own settings.
 */
import type { Kysely } from 'kysely';
import type { EmbeddedAgent } from '../agent/embedded-agent.js';
import type { JobDispatch } from '../engine/dispatch/job-dispatch.js';
import type { Engine } from '../engine/engine.js';
import type { Clock } from '../lib/clock.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ParameterStore } from '../stores/parameters/parameter-store.js';
import type { LocalSecretStore } from '../stores/secrets/local-secret-store.js';
import type { Database } from '../stores/state/schema.js';
import type { SourceOverride } from '../domain/records.js';
import type { StateStore } from '../stores/state/state-store.js';
import type { PipelineCatalog } from './pipeline-catalog.js';

export interface MeridianCore {
  stateDir: string;
  db: Kysely<Database>;
  store: StateStore;
  engine: Engine;
  agent: EmbeddedAgent;
  dispatch: JobDispatch;
  registry: ProviderRegistry;
  parameters: ParameterStore;
  secrets: LocalSecretStore;
  owner: string;
  clock: Clock;
  /** Jobs queued by another server on the same database, by region (PostgreSQL's LISTEN/NOTIFY). */
  onJobsNotified?: (fn: (region: string) => void) => () => void;
}

export interface ServerSettings {
  /** `MERIDIAN_TOKEN`: an admin token that is not stored anywhere. */
  adminToken?: string;
  /** `--source NAME=...` of `serve`, per pipeline: where its source actions fetch from. */
  sourceOverrides: (pipeline: string) => Record<string, SourceOverride>;
  /** Largest webhook body accepted, in bytes (GitHub sends at most 25 MB). */
  webhookBodyLimit: number;
  /** Webhook requests one address may make per minute before getting 429. */
  webhookRateLimit: number;
  /** Remote agents; defaults: see routes/agents.ts. */
  agents?: AgentSettings;
}

export interface AgentSettings {
  /** How long a claim waits for a job before answering 204 (the agent asks again). */
  pollMs: number;
  /** `serve --remote-regions`: regions whose jobs only remote agents run (`*`: all). */
  remoteRegions: string[];
  /** AWS_ENDPOINT_URL_S3, for regions whose store is an S3 bucket (the server replicates and stores for agents). */
  s3Endpoint?: string;
}

export interface ServerContext {
  core: MeridianCore;
  catalog: PipelineCatalog;
  settings: ServerSettings;
}
