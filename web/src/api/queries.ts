/** The dashboard's reads, as TanStack Query hooks: one key per API resource. */
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, encode } from './client';
import type { ExecutionListItem, ExecutionView, Me, PlanView, PipelineInfo, RegionRelease } from './types';

export const PAGE_SIZE = 200;

export function useMe(token: string | null) {
  return useQuery({ queryKey: ['me', token], queryFn: () => api<Me>('me'), enabled: token !== null, staleTime: Infinity, retry: false });
}

export function usePipelines() {
  return useQuery({ queryKey: ['pipelines'], queryFn: () => api<PipelineInfo[]>('pipelines'), refetchInterval: 5000 });
}

export function useReleases(pipeline: string) {
  return useQuery({
    queryKey: ['releases', pipeline],
    queryFn: () => api<{ pipeline: string; regions: RegionRelease[] }>(`pipelines/${encode(pipeline)}/releases`),
    refetchInterval: 5000,
  });
}

export function useRecentExecutions(pipeline: string, limit: number) {
  return useQuery({
    queryKey: ['executions', pipeline, 'recent', limit],
    queryFn: () => api<ExecutionListItem[]>(`executions?pipeline=${encode(pipeline)}&limit=${limit}`),
    refetchInterval: 3000,
  });
}

/** Pages of PAGE_SIZE, newest first, fetched as the list scrolls (limit/offset). */
export function useExecutionPages(filter: { pipeline: string | null; status: string | null }) {
  return useInfiniteQuery({
    queryKey: ['executions', 'pages', filter.pipeline, filter.status],
    initialPageParam: 0,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(pageParam) });
      if (filter.pipeline !== null) query.set('pipeline', filter.pipeline);
      if (filter.status !== null) query.set('status', filter.status);
      return api<ExecutionListItem[]>(`executions?${query.toString()}`);
    },
    getNextPageParam: (last, pages) => (last.length < PAGE_SIZE ? undefined : pages.length * PAGE_SIZE),
    // Pages are appended, never changed: comparing thousands of rows on every fetch is wasted work.
    structuralSharing: false,
  });
}

export function viewKey(executionId: string) {
  return ['view', executionId] as const;
}

/**
 * The execution view: fetched once, then kept current by useExecutionStream. A fetch that
 * returns after the stream delivered a view keeps the stream's, which is never older.
 */
export function useExecutionView(executionId: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: viewKey(executionId),
    queryFn: async () => {
      const fetched = await api<ExecutionView>(`executions/${encode(executionId)}/view`);
      return client.getQueryData<ExecutionView>(viewKey(executionId)) ?? fetched;
    },
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function usePlanView(pipeline: string) {
  return useQuery({
    queryKey: ['plan', pipeline],
    queryFn: () => api<PlanView>(`pipelines/${encode(pipeline)}/plan?at=${encodeURIComponent(new Date().toISOString())}`),
    refetchInterval: 60_000,
  });
}

/** An emergency halt (`GET /api/halts`, src/stores/state/halt-records.ts): `region` null halts every region. */
export interface Halt {
  id: string;
  region: string | null;
  by: string;
  reason: string;
  at: string;
  lifted: { by: string; reason: string; at: string } | null;
}

/** The active emergency halts: shown on every page while there is one. */
export function useHalts() {
  return useQuery({ queryKey: ['halts'], queryFn: () => api<Halt[]>('halts'), refetchInterval: 3000 });
}
