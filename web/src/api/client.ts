/**
 * Calls to Meridian's API with the session's token. URLs are relative (`api/...`) so the
 * dashboard also works behind a proxy under a sub-path. A 401 signs the user out.
 */
import { getToken, setToken } from '../auth/session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, options: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const token = options.token ?? getToken();
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  const response = await fetch(`api/${path}`, init);
  const text = await response.text();
  const body: unknown = text === '' ? undefined : parseJson(text);
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (response.status === 401 && options.token === undefined) setToken(null);
    throw new ApiError(response.status, error?.code ?? 'HTTP', error?.message ?? `${response.status} ${response.statusText}`);
  }
  return body as T;
}

/** An API text resource (an action's log). */
export async function apiText(path: string): Promise<string> {
  const token = getToken();
  const response = await fetch(`api/${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new ApiError(response.status, 'HTTP', `${response.status} ${response.statusText}`);
  return response.text();
}

/** A URL for EventSource, which cannot send headers: the token goes in `?token=`. */
export function streamUrl(path: string): string {
  const token = getToken() ?? '';
  return `api/${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export function encode(segment: string): string {
  return encodeURIComponent(segment);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'HTTP', message: text } };
  }
}
