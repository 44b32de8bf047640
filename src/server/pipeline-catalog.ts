/**
 * The pipelines a server runs, by name, each with the file it came from. A reload compiles
 * the file first and swaps the pipeline only when it is valid: a broken edit keeps the old
 * definition running and says why.
 */
import path from 'node:path';
import { MeridianError } from '../domain/errors.js';
import type { Pipeline } from '../domain/pipeline.js';

export type PipelineLoader = (file: string) => Promise<Pipeline>;

export interface ReloadResult {
  pipeline: string;
  file: string;
  ok: boolean;
  /** Why the file was refused: the FILE:LINE:COL lines `validate` prints. */
  problems: string[];
}

export class PipelineCatalog {
  private readonly byName = new Map<string, { pipeline: Pipeline; file: string }>();

  constructor(
    private readonly files: readonly string[],
    private readonly load: PipelineLoader,
  ) {}

  /** Loads every file; any invalid one is an error (the server does not start half-configured). */
  async loadAll(): Promise<void> {
    for (const file of this.files) {
      const pipeline = await this.load(path.resolve(file));
      const clash = this.byName.get(pipeline.name);
      if (clash && clash.file !== path.resolve(file)) {
        throw new MeridianError('BAD_INPUT', `pipeline ${pipeline.name} is defined by both ${clash.file} and ${file}; rename one`);
      }
      this.byName.set(pipeline.name, { pipeline, file: path.resolve(file) });
    }
  }

  list(): Pipeline[] {
    return [...this.byName.values()].map((entry) => entry.pipeline);
  }

  get(name: string): Pipeline {
    const entry = this.byName.get(name);
    if (!entry) {
      const names = [...this.byName.keys()].join(', ') || 'none';
      throw new MeridianError('NOT_FOUND', `no pipeline ${name} is loaded; loaded: ${names}`);
    }
    return entry.pipeline;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  fileOf(name: string): string {
    this.get(name);
    return this.byName.get(name)?.file ?? '';
  }

  /** Re-reads one pipeline's file (or every file); keeps the old definition when the new one is invalid. */
  async reload(name?: string): Promise<ReloadResult[]> {
    const entries = name === undefined ? [...this.byName.entries()] : [[name, { pipeline: this.get(name), file: this.fileOf(name) }] as const];
    const results: ReloadResult[] = [];
    for (const [pipelineName, entry] of entries) {
      try {
        const pipeline = await this.load(entry.file);
        if (pipeline.name !== pipelineName) {
          results.push({
            pipeline: pipelineName,
            file: entry.file,
            ok: false,
            problems: [`${entry.file} now defines pipeline ${pipeline.name}, not ${pipelineName}; restart the server to rename a pipeline`],
          });
          continue;
        }
        this.byName.set(pipelineName, { pipeline, file: entry.file });
        results.push({ pipeline: pipelineName, file: entry.file, ok: true, problems: [] });
      } catch (error) {
        results.push({ pipeline: pipelineName, file: entry.file, ok: false, problems: describeProblems(error) });
      }
    }
    return results;
  }
}

function describeProblems(error: unknown): string[] {
  if (error instanceof MeridianError && error.problems.length > 0) {
    return error.problems.map((p) => `${p.location.file}:${p.location.line}:${p.location.col}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
  }
  return [error instanceof Error ? error.message : String(error)];
}
