/** What each format's compiler returns to load-definition. */
import type { Problem } from '../domain/errors.js';
import type { Pipeline } from '../domain/pipeline.js';
import type { PipelineTrace } from './trace.js';

export interface LoadContext {
  /** The path as the user wrote it: problems name this file. */
  file: string;
  absoluteFile: string;
  pipelineName?: string;
  exports: Readonly<Record<string, string>>;
  /** `warn`: an `!ImportValue` of an export not set is a warning (`meridian validate`); default: a problem. */
  missingExports?: 'refuse' | 'warn';
}

export interface CompileResult {
  pipeline?: Pipeline;
  trace?: PipelineTrace;
  problems: Problem[];
  /** What the definition needs from the machine's state and does not find there (missing exports, with `missingExports: 'warn'`). */
  warnings?: Problem[];
  /**
   * The model is incomplete (a structural field is missing or unresolved), so the
   * validation rules would only repeat those problems in other words: skip them.
   */
  blocking: boolean;
}
