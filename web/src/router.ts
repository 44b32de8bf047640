/**
 * Hash routes (`#/executions/ID`), so the server serves one index.html and every link is a
 * plain anchor that works with the keyboard, the back button and a new tab.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'pipelines' }
  | { page: 'executions'; pipeline: string | null; status: string | null }
  | { page: 'execution'; id: string; action: string | null }
  | { page: 'night'; pipeline: string };

export function parseHash(hash: string): Route {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#/, '').split('?');
  const parts = pathPart
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const query = new URLSearchParams(queryPart);
  if (parts[0] === 'executions' && parts[1] !== undefined) return { page: 'execution', id: parts[1], action: query.get('action') };
  if (parts[0] === 'executions') return { page: 'executions', pipeline: query.get('pipeline'), status: query.get('status') };
  if (parts[0] === 'pipelines' && parts[1] !== undefined && parts[2] === 'night') return { page: 'night', pipeline: parts[1] };
  return { page: 'pipelines' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'pipelines':
      return '#/';
    case 'executions': {
      const query = new URLSearchParams();
      if (route.pipeline !== null) query.set('pipeline', route.pipeline);
      if (route.status !== null) query.set('status', route.status);
      const text = query.toString();
      return `#/executions${text === '' ? '' : `?${text}`}`;
    }
    case 'execution':
      return `#/executions/${encodeURIComponent(route.id)}${route.action === null ? '' : `?action=${encodeURIComponent(route.action)}`}`;
    case 'night':
      return `#/pipelines/${encodeURIComponent(route.pipeline)}/night`;
  }
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}
