/**
 * A remote agent's HTTP client for the server's agent routes (server/routes/agents.ts). Each
 * call sends the agent token and the agent's id; the server's JSON errors come back as
 * MeridianErrors whose `details.status` is the HTTP status (409: the lease is gone) and which
 * are `retryable` when the server could not be reached or failed (5xx). Requests go through one
 * undici connection pool kept alive to the server: an agent calls it for every job, and the
 * WHATWG `fetch` cost it several times the CPU per request.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { MeridianError, type ErrorCode } from '../domain/errors.js';
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import type { ApprovalOutcome, ParameterValue } from '../domain/jobs/host-services.js';
import { copyHashing } from '../stores/artifacts/blob-io.js';
import type { Replication } from '../domain/jobs/job-host.js';
import type { JobSpec } from '../domain/jobs/job-spec.js';

export interface ClaimedJob {
  spec: JobSpec;
  leaseMs: number;
  heartbeatMs: number;
}

/** What the server dispatched: the specs of the jobs claimed, and their lease (server/remote-dispatch.ts). */
interface DispatchedJobs {
  specs?: JobSpec[];
  leaseMs: number;
  heartbeatMs: number;
}

type Response = Dispatcher.ResponseData;

export class AgentClient {
  /** Made at the first request: undici is loaded only by the commands that talk to a server as an agent. */
  private pool: Promise<Pool> | undefined;
  private readonly origin: string;
  /** The server URL's path, when it is served under one (behind a proxy). */
  private readonly prefix: string;

  constructor(
    readonly url: string,
    private readonly token: string,
    /** `host:pid:nonce:start`: the owner of this agent's leases. */
    readonly agentId: string,
  ) {
    const parsed = new URL(url);
    this.origin = parsed.origin;
    this.prefix = parsed.pathname.replace(/\/+$/, '');
  }

  /** Closes the pool's connections (requests in flight finish first). */
  async close(): Promise<void> {
    if (this.pool) await (await this.pool).close();
  }

  /** Waits (server side) for jobs of the token's region, up to `max` of them; none when none came in time. */
  async claim(body: { region: string; labels: string[]; concurrency: number; max: number; waitMs?: number }, signal: AbortSignal): Promise<ClaimedJob[]> {
    const response = await this.fetch('POST', '/api/agents/jobs/claim', { json: body, signal });
    if (response.statusCode === 204) {
      await response.body.dump();
      return [];
    }
    return claimed((await response.body.json()) as DispatchedJobs);
  }

  async heartbeat(jobId: string): Promise<{ abandon: boolean }> {
    return (await (await this.fetch('POST', `${job(jobId)}/heartbeat`, { json: {} })).body.json()) as { abandon: boolean };
  }

  async log(jobId: string, lines: string[]): Promise<void> {
    await (await this.fetch('POST', `${job(jobId)}/log`, { json: { lines } })).body.dump();
  }

  async waiting(jobId: string, reason: string): Promise<void> {
    await (await this.fetch('POST', `${job(jobId)}/waiting`, { json: { reason } })).body.dump();
  }

  async approval(jobId: string): Promise<ApprovalOutcome | undefined> {
    const { answer } = (await (await this.fetch('GET', `${job(jobId)}/approval`)).body.json()) as {
      answer: { status: 'Approved' | 'Rejected'; comment: string | null; by: string | null } | null;
    };
    if (!answer) return undefined;
    const outcome: ApprovalOutcome = { status: answer.status };
    if (answer.comment !== null) outcome.comment = answer.comment;
    if (answer.by !== null) outcome.by = answer.by;
    return outcome;
  }

  /** Downloads an input artifact (already in this region's store) into `file`, checking its SHA-256. */
  async input(jobId: string, name: string, digest: string, file: string): Promise<{ replicated?: Replication }> {
    const response = await this.fetch('GET', `${job(jobId)}/inputs/${encodeURIComponent(name)}`);
    const received = await copyHashing(response.body, file);
    if (received.digest !== digest)
      throw new MeridianError('ARTIFACT', `input artifact ${name} arrived with SHA-256 ${received.digest}, not ${digest}`, { retryable: true });
    const replicated = response.headers['x-meridian-replicated'];
    return typeof replicated === 'string' ? { replicated: JSON.parse(replicated) as Replication } : {};
  }

  async output(jobId: string, name: string, zipFile: string, digest: string): Promise<void> {
    const body = createReadStream(zipFile);
    await (
      await this.fetch('PUT', `${job(jobId)}/outputs/${encodeURIComponent(name)}`, {
        body,
        headers: { 'content-type': 'application/zip', 'x-meridian-digest': digest },
      })
    ).body.dump();
  }

  async parameter(jobId: string, name: string): Promise<ParameterValue> {
    return (await (await this.fetch('GET', `${job(jobId)}/parameter?name=${encodeURIComponent(name)}`)).body.json()) as ParameterValue;
  }

  async secret(jobId: string, reference: string): Promise<string> {
    const { value } = (await (await this.fetch('GET', `${job(jobId)}/secret?reference=${encodeURIComponent(reference)}`)).body.json()) as { value: string };
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
    return claimed((await (await this.fetch('POST', `${job(jobId)}/complete`, { json: body })).body.json()) as Partial<DispatchedJobs>);
  }

  /** One request; a response that is not 2xx is thrown as a MeridianError (its body read for the server's message). */
  /**
   * Reports the outcomes of several jobs (with their logs' last lines) in one request, and
   * claims up to `claimNext` jobs for the freed slots. Each report comes back recorded, or
   * refused with the status the single-job route would answer (409: the lease is gone).
   */
  async completeMany(
    reports: Array<{ jobId: string; outcome: JobOutcome; log: string[] }>,
    extra: { claimNext?: number; labels?: string[] } = {},
  ): Promise<{ results: Map<string, { recorded: true } | { status: number; message: string }>; next: ClaimedJob[] }> {
    const next = extra.claimNext ? { claimNext: extra.claimNext, labels: extra.labels ?? [] } : {};
    const body = { reports: reports.map(({ jobId, outcome, log }) => ({ jobId, ...outcome, ...(log.length > 0 ? { log } : {}) })), ...next };
    const answer = (await (await this.fetch('POST', '/api/agents/jobs/complete', { json: body })).body.json()) as Partial<DispatchedJobs> & {
      results: Array<{ jobId: string; recorded?: true; status?: number; error?: { message: string } }>;
    };
    const results = new Map<string, { recorded: true } | { status: number; message: string }>();
    for (const result of answer.results)
      results.set(result.jobId, result.recorded ? { recorded: true } : { status: result.status ?? 500, message: result.error?.message ?? 'refused' });
    return { results, next: claimed(answer) };
  }

  private async fetch(
    method: Dispatcher.HttpMethod,
    path: string,
    init: { json?: unknown; body?: Readable; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, 'x-meridian-agent': this.agentId, ...init.headers };
    let body: string | Readable | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    let response: Response;
    try {
      this.pool ??= import('undici').then(({ Pool }) => new Pool(this.origin));
      response = await (await this.pool).request({ method, path: `${this.prefix}${path}`, headers, body: body ?? null, signal: init.signal ?? null });
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new MeridianError('INTERNAL', `cannot reach ${this.url} (${cause}); is meridian serve running there?`, { retryable: true, details: { status: 0 } });
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) return response;
    const text = await response.body.text();
    let message = `the server answered ${status} to ${method} ${path}`;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new MeridianError(codeFor(status), status === 401 || status === 403 ? `${message} (HTTP ${status})` : message, {
      retryable: status >= 500 || status === 429,
      details: { status },
    });
  }
}

/** The HTTP status of an error from the client (0: the server could not be reached). */
export function statusOf(error: unknown): number | undefined {
  const status = error instanceof MeridianError ? error.details.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

function claimed(dispatched: Partial<DispatchedJobs>): ClaimedJob[] {
  const { specs = [], leaseMs = 0, heartbeatMs = 0 } = dispatched;
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
