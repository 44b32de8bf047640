/**
 * An action's log, live: the server's log stream (backlog, then new lines, then `end`).
 * Lines are parsed for ANSI colours once, when they arrive, and the component re-renders at
 * most once per animation frame however fast lines come.
 */
import { useEffect, useRef, useState } from 'react';
import { encode, streamUrl } from '../api/client';
import type { LogLine } from '../api/types';
import { parseAnsi, stripAnsi, type AnsiSegment, type AnsiStyle } from './ansi';

export interface ParsedLine {
  attempt: number;
  plain: string;
  segments: AnsiSegment[];
}

export interface LogStream {
  lines: ParsedLine[];
  ended: boolean;
  connected: boolean;
}

export function useLogStream(executionId: string, action: string): LogStream {
  const lines = useRef<ParsedLine[]>([]);
  const [, setVersion] = useState(0);
  const [ended, setEnded] = useState(false);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    lines.current = [];
    setEnded(false);
    let style: AnsiStyle = {};
    let frame = 0;
    const render = (): void => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    const source = new EventSource(streamUrl(`executions/${encode(executionId)}/logs?action=${encode(action)}`));
    // Each (re)connection replays the backlog: start over rather than show lines twice.
    source.addEventListener('open', () => {
      lines.current = [];
      style = {};
      setConnected(true);
      render();
    });
    source.addEventListener('log', (message: MessageEvent<string>) => {
      const entry = JSON.parse(message.data) as LogLine;
      const parsed = parseAnsi(entry.line, style);
      style = parsed.end;
      lines.current.push({ attempt: entry.attempt, plain: stripAnsi(entry.line), segments: parsed.segments });
      render();
    });
    source.addEventListener('end', () => {
      source.close();
      setEnded(true);
      setConnected(false);
    });
    source.addEventListener('error', () => setConnected(false));
    return () => {
      source.close();
      cancelAnimationFrame(frame);
    };
  }, [executionId, action]);

  return { lines: lines.current, ended, connected };
}
