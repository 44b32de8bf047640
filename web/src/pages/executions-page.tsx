/**
 * Every execution, newest first, filtered by pipeline and status. The list is virtualized and
 * paged (limit/offset, PAGE_SIZE at a time, fetched as it scrolls): with thousands of
 * executions only the rows on screen exist in the page.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useExecutionPages, usePipelines } from '../api/queries';
import { RollbackTag } from '../components/linked-ids';
import { StatusBadge } from '../components/status-badge';
import { durationBetween, formatInstant, relativeTime, shortId } from '../lib/format';
import { useNow } from '../lib/use-now';
import { href, navigate } from '../router';

const ROW_HEIGHT = 44;
const STATUSES = ['InProgress', 'Succeeded', 'Failed', 'Stopped', 'Stopping', 'Superseded', 'Cancelled'];

export function ExecutionsPage({ pipeline, status }: { pipeline: string | null; status: string | null }) {
  const pipelines = usePipelines();
  const pages = useExecutionPages({ pipeline, status });
  const rows = useMemo(() => pages.data?.pages.flat() ?? [], [pages.data]);
  const now = useNow(5000);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 40) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div className="stack fill">
      <h1>Executions</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Pipeline{' '}
          <select value={pipeline ?? ''} onChange={(e) => navigate({ page: 'executions', pipeline: e.target.value || null, status })}>
            <option value="">all</option>
            {pipelines.data?.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={status ?? ''} onChange={(e) => navigate({ page: 'executions', pipeline, status: e.target.value || null })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" aria-live="polite" data-testid="execution-count">
          {rows.length} loaded{hasNextPage ? ', more below' : ''}
        </span>
      </form>
      {pages.error && <p className="problem">{pages.error.message}</p>}
      <div className="virtual-list" ref={scroller} data-testid="execution-list" role="list" aria-label="Executions">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const execution = rows[item.index];
            if (!execution) return null;
            return (
              <div
                key={execution.executionId}
                role="listitem"
                className="list-item"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                data-index={item.index}
              >
                <a className="list-row" href={href({ page: 'execution', id: execution.executionId, action: null })}>
                  <StatusBadge status={execution.status} />
                  <span className="mono">{shortId(execution.executionId)}</span>
                  <span>{execution.pipeline}</span>
                  <RollbackTag trigger={execution.trigger} />
                  <span className="muted small grow ellipsis" title={execution.trigger.detail ?? ''}>
                    {execution.trigger.detail ?? execution.trigger.type}
                  </span>
                  <time className="small" title={formatInstant(execution.startedAt)}>
                    {relativeTime(execution.startedAt, now)}
                  </time>
                  <span className="small mono">{durationBetween(execution.startedAt, execution.endedAt, now)}</span>
                </a>
              </div>
            );
          })}
        </div>
        {!pages.data && !pages.error && <p className="muted">Loading executions…</p>}
        {pages.data && rows.length === 0 && <p className="muted">No executions match.</p>}
      </div>
    </div>
  );
}
