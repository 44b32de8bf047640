/**
 * The execution page's live feed (`GET /api/executions/{id}/stream`). A `change` (an engine
 * event, sent the moment it is committed) patches the cached view at once; each `view`
 * replaces it, with the changes it does not cover yet re-applied on top (it says up to
 * which change it was read). `events` are kept by id, so the backlog a reconnection replays
 * is not shown twice.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { applyChange, type Change } from './apply-change';
import { encode, streamUrl } from './client';
import { viewKey } from './queries';
import type { EventRecord, ExecutionView } from './types';

export function useExecutionStream(executionId: string): { events: EventRecord[]; live: boolean; problem: string | null } {
  const client = useQueryClient();
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setEvents([]);
    const known = new Set<number>();
    let pending: Change[] = [];
    const key = viewKey(executionId);
    const source = new EventSource(streamUrl(`executions/${encode(executionId)}/stream`));
    // A new connection numbers its changes from 1 again.
    source.addEventListener('open', () => {
      pending = [];
      setLive(true);
    });
    source.addEventListener('error', () => setLive(false));
    source.addEventListener('change', (message: MessageEvent<string>) => {
      const change = JSON.parse(message.data) as Change;
      pending.push(change);
      client.setQueryData<ExecutionView>(key, (view) => (view === undefined ? view : applyChange(view, change)));
    });
    source.addEventListener('events', (message: MessageEvent<string>) => {
      const fresh = (JSON.parse(message.data) as EventRecord[]).filter((e) => !known.has(e.id));
      for (const event of fresh) known.add(event.id);
      if (fresh.length > 0) setEvents((list) => [...list, ...fresh]);
    });
    source.addEventListener('view', (message: MessageEvent<string>) => {
      const { seq, view } = JSON.parse(message.data) as { seq: number; view: ExecutionView };
      pending = pending.filter((change) => change.seq > seq);
      client.setQueryData<ExecutionView>(key, pending.reduce(applyChange, view));
      setProblem(null);
    });
    source.addEventListener('problem', (message: MessageEvent<string>) => setProblem((JSON.parse(message.data) as { message: string }).message));
    return () => source.close();
  }, [client, executionId]);

  return { events, live, problem };
}
