/**
 * What the server works with: one Meridian (the composition root, src/meridian.ts), the
 * loaded pipelines, and its own settings.
 */
import type { Meridian } from '../meridian.js';
import type { SourceOverride } from '../domain/records.js';
import type { PipelineCatalog } from './pipeline-catalog.js';

export interface ServerSettings {
  /** `MERIDIAN_TOKEN`: an admin token that is not stored anywhere. */
  adminToken?: string;
  /** `--source NAME=...` of `serve`, per pipeline: where its source actions fetch from. */
  sourceOverrides: (pipeline: string) => Record<string, SourceOverride>;
  /** Largest webhook body accepted, in bytes (default 5 MB; GitHub sends at most 25 MB); bodies in flight hold at most 8 times this (webhooks/body-budget.ts). */
  webhookBodyLimit: number;
  /** Webhook requests one address may make per minute before getting 429. */
  webhookRateLimit: number;
  /** Remote agents; defaults: see routes/agents.ts. */
  agents?: AgentSettings;
  /** Told each unexpected error a request met (answered 500 without its message), with `requestId` set. */
  onError?: (error: Error) => void;
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
  core: Meridian;
  catalog: PipelineCatalog;
  settings: ServerSettings;
}
