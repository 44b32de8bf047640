/** Starts an execution of a pipeline (operator), then opens it. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, encode } from '../api/client';
import { navigate } from '../router';

export function StartButton({ pipeline }: { pipeline: string }) {
  const client = useQueryClient();
  const start = useMutation({
    mutationFn: () => api<{ executionId: string }>(`pipelines/${encode(pipeline)}/executions`, { method: 'POST', body: {} }),
    onSuccess: async ({ executionId }) => {
      await client.invalidateQueries({ queryKey: ['executions'] });
      navigate({ page: 'execution', id: executionId, action: null });
    },
  });
  return (
    <>
      <button type="button" className="primary" onClick={() => start.mutate()} disabled={start.isPending}>
        {start.isPending ? 'Starting…' : 'Start execution'}
      </button>
      {start.error && <span className="problem">{start.error.message}</span>}
    </>
  );
}
