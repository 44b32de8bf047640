/**
 * A remote agent's HTTP client for the server's agent routes (server/routes/agents.ts). Each
 * call sends the agent token and the agent's id; the server's JSON errors come back as
 * MeridianErrors whose `details.status` is the HTTP status (409: the lease is gone) and which
 * are `retryable` when the server could not be reached or failed (5xx).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { MeridianError, type ErrorCode } from '../domain/errors.js';
import type { JobOutcome } from '../engine/engine.js';
import type { ApprovalOutcome, ParameterValue } from '../providers/provider.js';
import { copyHashing } from '../stores/artifacts/blob-io.js';
import type { Replication } from './job-host.js';
import type { JobSpec } from './job-spec.js';

export interface ClaimedJob {
  spec: JobSpec;
  leaseMs: number;
  heartbeatMs: number;
}

/** What the server hands out: the specs of the jobs claimed, and their lease. */
interface Handout {
  specs?: JobSpec[];
  leaseMs: number;
  heartbeatMs: number;
}

export class AgentClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    /** `host:pid:nonce`: the owner of this agent's leases. */
    readonly agentId: string,
  ) {}

  /** Waits (server side) for jobs of the token's region, up to `max` of them; none when none came in time. */
  async claim(body: { region: string; labels: string[]; concurrency: number; max: number; waitMs?: number }, signal: AbortSignal): Promise<ClaimedJob[]> {
    const response = await this.fetch('POST', '/api/agents/jobs/claim', { json: body, signal });
    if (response.status === 204) return [];
    return claimed((await response.json()) as Handout);
  }

  async heartbeat(jobId: string): Promise<{ abandon: boolean }> {
    return (await (await this.fetch('POST', `${job(jobId)}/heartbeat`, { json: {} })).json()) as { abandon: boolean };
  }

  async log(jobId: string, lines: string[]): Promise<void> {
    await this.fetch('POST', `${job(jobId)}/log`, { json: { lines } });
  }

  async waiting(jobId: string, reason: string): Promise<void> {
    await this.fetch('POST', `${job(jobId)}/waiting`, { json: { reason } });
  }

  async approval(jobId: string): Promise<ApprovalOutcome | undefined> {
    const { answer } = (await (await this.fetch('GET', `${job(jobId)}/approval`)).json()) as { answer: { status: 'Approved' | 'Rejected'; comment: string | null; by: string | null } | null };
    if (!answer) return undefined;
    const outcome: ApprovalOutcome = { status: answer.status };
    if (answer.comment !== null) outcome.comment = answer.comment;
    if (answer.by !== null) outcome.by = answer.by;
    return outcome;
  }

  /** Downloads an input artifact (already in this region's store) into `file`, checking its SHA-256. */
  async input(jobId: string, name: string, digest: string, file: string): Promise<{ replicated?: Replication }> {
    const response = await this.fetch('GET', `${job(jobId)}/inputs/${encodeURIComponent(name)}`);
    if (!response.body) throw new MeridianError('ARTIFACT', `the server sent no bytes for input artifact ${name}`);
    const received = await copyHashing(Readable.fromWeb(response.body), file);
    if (received.digest !== digest) throw new MeridianError('ARTIFACT', `input artifact ${name} arrived with SHA-256 ${received.digest}, not ${digest}`, { retryable: true });
    const replicated = response.headers.get('x-meridian-replicated');
    return replicated === null ? {} : { replicated: JSON.parse(replicated) as Replication };
  }

  async output(jobId: string, name: string, zipFile: string, digest: string): Promise<void> {
    const body = Readable.toWeb(createReadStream(zipFile)) as ReadableStream<Uint8Array>;
    await this.fetch('PUT', `${job(jobId)}/outputs/${encodeURIComponent(name)}`, { body, headers: { 'content-type': 'application/zip', 'x-meridian-digest': digest } });
  }

  async parameter(jobId: string, name: string): Promise<ParameterValue> {
    return (await (await this.fetch('GET', `${job(jobId)}/parameter?name=${encodeURIComponent(name)}`)).json()) as ParameterValue;
  }

  async secret(jobId: string, reference: string): Promise<string> {
    const { value } = (await (await this.fetch('GET', `${job(jobId)}/secret?reference=${encodeURIComponent(reference)}`)).json()) as { value: string };
    return value;
  }

  /**
   * Reports a job's outcome with the last lines of its log; `claimNext` asks for that many
   * jobs (that `labels` allow) for the freed slot in the same round trip (the server does not
   * wait for them).
   */
  async complete(jobId: string, outcome: JobOutcome, extra: { log?: string[]; claimNext?: number; labels?: string[] } = {}): Promise<ClaimedJob[]> {
    const next = extra.claimNext ? { claimNext: extra.claimNext, labels: extra.labels ?? [] } : {};
    const body = { ...outcome, ...(extra.log && extra.log.length > 0 ? { log: extra.log } : {}), ...next };
    return claimed((await (await this.fetch('POST', `${job(jobId)}/complete`, { json: body })).json()) as Partial<Handout>);
  }

  private async fetch(
    method: string,
    path: string,
    init: { json?: unknown; body?: ReadableStream<Uint8Array>; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, 'x-meridian-agent': this.agentId, ...init.headers };
    let body: string | ReadableStream<Uint8Array> | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    let response: Response;
    try {
      // A streamed body needs `duplex: 'half'` (undici), which RequestInit does not declare yet.
      const request: RequestInit & { duplex?: 'half' } = { method, headers, body, signal: init.signal ?? null };
      if (init.body) request.duplex = 'half';
      response = await fetch(`${this.url}${path}`, request);
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new MeridianError('INTERNAL', `cannot reach ${this.url} (${cause}); is meridian serve running there?`, { retryable: true, details: { status: 0 } });
    }
    if (response.ok) return response;
    const text = await response.text();
    let message = `the server answered ${response.status} to ${method} ${path}`;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new MeridianError(codeFor(response.status), response.status === 401 || response.status === 403 ? `${message} (HTTP ${response.status})` : message, {
      retryable: response.status >= 500 || response.status === 429,
      details: { status: response.status },
    });
  }
}

/** The HTTP status of an error from the client (0: the server could not be reached). */
export function statusOf(error: unknown): number | undefined {
  const status = error instanceof MeridianError ? error.details.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

function claimed(handout: Partial<Handout>): ClaimedJob[] {
  const { specs = [], leaseMs = 0, heartbeatMs = 0 } = handout;
  return specs.map((spec) => ({ spec, leaseMs, heartbeatMs }));
}

function job(id: string): string {
  return `/api/agents/jobs/${encodeURIComponent(id)}`;
}

function codeFor(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 400 || status === 401 || status === 403 || status === 413) return 'BAD_INPUT';
  return 'INTERNAL';
}
