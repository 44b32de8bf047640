import fs from 'node:fs';
import path from 'node:path';
import type { LogSink } from '../../domain/jobs/host-services.js';
import type { Masker } from '../../lib/masker.js';

/** Where the log of one attempt of one action lives. */
export function actionLogPath(stateDir: string, executionId: string, stage: string, action: string, attempt: number): string {
  return path.join(stateDir, 'logs', executionId, stage, `${action}.${attempt}.log`);
}

/**
 * Appends an action's output to its log file, line by line, with secrets masked. A partial
 * line is held back until its newline arrives (or the log closes), so a secret split across
 * two writes is still masked.
 */
export class ActionLog implements LogSink {
  private partial = '';
  /** Opened at the first line: an action that writes none leaves no file. */
  private fd: number | undefined;
  private readonly listeners = new Set<(line: string) => void>();

  constructor(
    readonly file: string,
    private readonly masker: Masker,
  ) {}

  onLine(listener: (line: string) => void): void {
    this.listeners.add(listener);
  }

  write(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.emit(line);
  }

  close(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = '';
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private emit(line: string): void {
    const masked = this.masker.mask(line);
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'a');
    }
    fs.writeSync(this.fd, `${masked}\n`);
    for (const listener of this.listeners) listener(masked);
  }
}

/** The last `count` lines of a log file, for showing why an action failed. */
export function tailLog(file: string, count: number): string[] {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } catch {
    return [];
  }
}
