/**
 * The live log of one action: search (filters the lines and marks the term), follow (keeps
 * the newest line in view; scrolling up stops it), download (the attempt's log file as the
 * server keeps it, secrets masked there). Lines are virtualized: a log of 100,000 lines
 * renders only what is on screen.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { apiText, encode } from '../api/client';
import { AnsiLine } from './ansi-line';
import { useLogStream } from './use-log-stream';

const LINE_HEIGHT = 18;

export function LogPane({ executionId, action, closeHref }: { executionId: string; action: string; closeHref: string }) {
  const { lines, ended, connected } = useLogStream(executionId, action);
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const term = search.trim();
  const shown = useMemo(() => (term === '' ? lines : lines.filter((l) => l.plain.toLowerCase().includes(term.toLowerCase()))), [lines, lines.length, term]);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => LINE_HEIGHT, overscan: 30 });

  useEffect(() => {
    if (follow && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [follow, shown.length, virtualizer]);

  const onScroll = (): void => {
    const element = scroller.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < LINE_HEIGHT * 2;
    if (!atBottom && follow) setFollow(false);
  };

  const download = async (): Promise<void> => {
    try {
      const text = await apiText(`executions/${encode(executionId)}/actions/${encode(action)}/log`);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${action}.log`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <section className="log-pane" aria-label={`Log of ${action}`}>
      <header className="log-pane__bar">
        <h2>
          Log · <span className="mono">{action}</span>
        </h2>
        <span className="muted" aria-live="polite">
          {ended ? 'complete' : connected ? 'live' : 'connecting…'} · {term === '' ? `${lines.length} lines` : `${shown.length} of ${lines.length} lines`}
        </span>
        <input type="search" placeholder="Search the log" aria-label="Search the log" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button type="button" onClick={() => void download()}>
          Download
        </button>
        <a className="button" href={closeHref}>
          Close
        </a>
      </header>
      {problem !== null && <p className="problem">{problem}</p>}
      <div className="log-pane__lines" ref={scroller} onScroll={onScroll} tabIndex={0} data-testid="log-lines">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = shown[item.index];
            if (!line) return null;
            return (
              <div key={item.key} className="log-line" style={{ transform: `translateY(${item.start}px)`, height: LINE_HEIGHT }}>
                <AnsiLine segments={line.segments} highlight={term} />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
