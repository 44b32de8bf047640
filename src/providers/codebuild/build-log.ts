/**
 * Log lines in CodeBuild's shape, `[Container] 2024/05/21 10:15:03.123456 Entering phase
 * BUILD`, for the phases Meridian runs itself (DOWNLOAD_SOURCE, UPLOAD_ARTIFACTS...). The
 * build script writes the same shape for the phases bash runs (script.ts).
 */
import type { LogSink } from '../provider.js';

export class BuildLog {
  constructor(
    private readonly sink: LogSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  line(text: string): void {
    this.sink.write(`[Container] ${timestamp(this.now())} ${text}\n`);
  }

  /** Runs one phase of Meridian's own, with CodeBuild's entering/complete lines and its duration. */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = this.now().getTime();
    this.line(`Entering phase ${name}`);
    try {
      const result = await work();
      this.complete(name, 'SUCCEEDED', started);
      this.line('Phase context status code:  Message: ');
      return result;
    } catch (error) {
      this.complete(name, 'FAILED', started);
      const code = error instanceof PhaseError ? error.statusCode : 'CLIENT_ERROR';
      this.line(`Phase context status code: ${code} Message: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  private complete(name: string, state: string, started: number): void {
    this.line(`Phase complete: ${name} State: ${state} (${((this.now().getTime() - started) / 1000).toFixed(3)} seconds)`);
  }
}

/** A failure of one of Meridian's own phases, with CodeBuild's phase context status code. */
export class PhaseError extends Error {
  constructor(
    readonly statusCode: 'YAML_FILE_ERROR' | 'CLIENT_ERROR' | 'Decrypted Variables Error',
    message: string,
  ) {
    super(message);
    this.name = 'PhaseError';
  }
}

function timestamp(at: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const date = `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}`;
  return `${date} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}.${pad(at.getUTCMilliseconds(), 3)}000`;
}
