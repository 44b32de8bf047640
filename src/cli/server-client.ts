/**
 * The CLI's side of `--server URL`: the same commands, steering executions on a running
 * `meridian serve` through its API with the token in `MERIDIAN_TOKEN`. The server's JSON
 * errors come back as MeridianErrors with their code, so exit codes match local runs.
 */
import { MeridianError, type ErrorCode } from '../domain/errors.js';
import { apiTokenFromEnv } from './environment.js';

export const SERVER_FLAGS = '--server <url>';
export const SERVER_HELP = 'steer a running `meridian serve` at this URL (token: MERIDIAN_TOKEN) instead of a state dir';

const CODES: ReadonlySet<string> = new Set(['BAD_INPUT', 'NOT_FOUND', 'CONFLICT', 'DEFINITION_INVALID']);

export class ServerClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  static from(url: string | undefined): ServerClient | undefined {
    if (url === undefined) return undefined;
    const token = apiTokenFromEnv();
    if (token === undefined)
      throw new MeridianError('BAD_INPUT', `--server ${url}: set MERIDIAN_TOKEN to an API token (meridian tokens create on the server's state dir)`);
    return new ServerClient(url.replace(/\/+$/, ''), token);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(method, path, body);
    const text = await response.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!response.ok) throw toError(response.status, parsed);
    return parsed as T;
  }

  async text(path: string): Promise<string> {
    const response = await this.fetch('GET', path);
    if (!response.ok) throw toError(response.status, JSON.parse(await response.text()) as unknown);
    return response.text();
  }

  /** Reads a Server-Sent Events stream, calling `onEvent` per event, until the server ends it. */
  async stream(path: string, onEvent: (event: string, data: unknown) => void): Promise<void> {
    const response = await this.fetch('GET', path);
    if (!response.ok || !response.body) throw toError(response.status, JSON.parse(await response.text()) as unknown);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        onEvent(event, data === undefined ? undefined : (JSON.parse(data) as unknown));
      }
    }
  }

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new MeridianError('BAD_INPUT', `cannot reach ${this.url} (${cause}); is meridian serve running there?`);
    }
  }
}

function toError(status: number, body: unknown): MeridianError {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const message = error?.message ?? `the server answered ${status}`;
  if (status === 401 || status === 403) return new MeridianError('BAD_INPUT', `${message} (HTTP ${status})`);
  const code = error?.code !== undefined && CODES.has(error.code) ? (error.code as ErrorCode) : 'INTERNAL';
  return new MeridianError(code, message);
}
