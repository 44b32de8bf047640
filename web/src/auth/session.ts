/**
 * The pasted API token, kept in sessionStorage: it lives as long as the tab and is never
 * written anywhere else. Components subscribe to changes (sign-in, sign-out, a 401).
 */
const KEY = 'meridian.token';
const listeners = new Set<() => void>();

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
  for (const listener of listeners) listener();
}

export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
