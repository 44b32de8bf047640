/**
 * Loading a pipeline definition: read -> parse (YAML; JSON is YAML) -> detect the format
 * -> compile into the Pipeline model -> validation rules. Every problem found on the way
 * is reported at once, as one MeridianError('DEFINITION_INVALID') whose `problems` each
 * carry file:line:col and a hint.
 *
 * Formats: native YAML (top-level `pipeline: NAME`), a CloudFormation template with
 * `AWS::CodePipeline::Pipeline` resources (YAML or JSON), or the JSON `aws codepipeline
 * get-pipeline` prints.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMap } from 'yaml';
import { MeridianError, type Problem } from '../domain/errors.js';
import type { Pipeline } from '../domain/pipeline.js';
import { brokenTemplateProblems, looksLikeTemplate } from './cloudformation/broken-template.js';
import { compileTemplate, templatePipelineNames } from './cloudformation/compile-template.js';
import { compilePipelineJson, isPipelineJson, pipelineJsonName } from './codepipeline/compile-json.js';
import type { CompileResult, LoadContext } from './compile-result.js';
import { compileNative } from './native/compile-native.js';
import { definitionError, problem } from '../lib/problems.js';
import type { ActionConfigCheck } from './rules/action-config.js';
import type { OutputVariablesOf } from './rules/variable-references.js';
import { runRules, type RuleOptions } from './rules/index.js';
import { prototypeKeyProblems } from './prototype-keys.js';
import { PipelineLocator } from './trace.js';
import { isPlainObject } from './values.js';
import { parseYaml, toData, type ParsedYaml } from '../lib/yaml/parse-yaml.js';

export interface LoadOptions {
  /** Which pipeline of a template holding several (`--pipeline NAME`): its Name or logical id. */
  pipelineName?: string;
  /** Values for `!ImportValue` (`meridian exports set`). */
  exports?: Record<string, string>;
  /**
   * `warn`: an `!ImportValue` of an export not set is a warning, not a problem, and the rest
   * is checked as if the export held its own name (`meridian validate` on a machine whose
   * state lacks it). Default `refuse`: what runs needs every export.
   */
  missingExports?: 'refuse' | 'warn';
  /** `Category/Owner/Provider` keys of the registered providers; unknown action types are problems. */
  knownActionTypes?: string[];
  /** The providers' configuration checks (`Provider.validate`); what they find are problems. */
  checkAction?: ActionConfigCheck;
  /** The output variables each action sets, where its provider knows them before it runs (`#{Src.CommitID}` is then refused). */
  outputVariablesOf?: OutputVariablesOf;
}

export type DefinitionFormat = Pipeline['format'];

export async function loadDefinition(file: string, options: LoadOptions = {}): Promise<Pipeline> {
  return compileDefinition(await readDefinition(file), file, options);
}

/** A loaded pipeline with where each part was written: what `meridian validate` places its warnings and notes with. */
export interface LocatedPipeline {
  pipeline: Pipeline;
  locate: PipelineLocator;
  /** What the definition needs from the machine's state and does not find (with `missingExports: 'warn'`). */
  warnings: Problem[];
}

export async function loadLocatedDefinition(file: string, options: LoadOptions = {}): Promise<LocatedPipeline> {
  return compileLocated(await readDefinition(file), file, options);
}

/** The pipeline names a file holds (several for a template with several pipelines). */
export async function listPipelines(file: string): Promise<string[]> {
  const text = await readDefinition(file);
  const parsed = parseChecked(text, file);
  const context = makeContext(file, {});
  const root = parsed.doc.contents;
  const data: unknown = toData(parsed.doc);
  const format = detectFormat(data, parsed);
  if (format === 'codepipeline-template' && isMap(root)) {
    const { names, problems } = templatePipelineNames(root, parsed.locator, context);
    if (names.length === 0) throw definitionError(file, problems);
    return names;
  }
  const name = format === 'codepipeline-json' && isPlainObject(data) ? pipelineJsonName(data) : isPlainObject(data) ? data.pipeline : undefined;
  if (typeof name === 'string') return [name];
  return [compileDefinition(text, file, {}).name];
}

/** Compiles definition text already in memory; `file` names it in problems. */
export function compileDefinition(text: string, file: string, options: LoadOptions = {}): Pipeline {
  return compileLocated(text, file, options).pipeline;
}

function compileLocated(text: string, file: string, options: LoadOptions): LocatedPipeline {
  const parsed = parseChecked(text, file);
  const context = makeContext(file, options);
  const data: unknown = toData(parsed.doc);
  const format = detectFormat(data, parsed);
  const root = parsed.doc.contents;
  let result: CompileResult;
  if (format === 'codepipeline-template' && isMap(root)) result = compileTemplate(root, parsed.locator, context);
  else if (format === 'codepipeline-json' && isPlainObject(data)) result = compilePipelineJson(data, parsed.locator, context);
  else result = compileNative(parsed.doc, parsed.locator, context);

  const problems: Problem[] = [...parsed.warnings, ...result.problems];
  if (result.pipeline && result.trace && !result.blocking) {
    const rules: RuleOptions = {};
    if (options.knownActionTypes) rules.knownActionTypes = options.knownActionTypes;
    if (options.checkAction) rules.checkAction = options.checkAction;
    if (options.outputVariablesOf) rules.outputVariablesOf = options.outputVariablesOf;
    problems.push(...runRules(result.pipeline, new PipelineLocator(result.trace), rules));
  }
  if (problems.length > 0 || !result.pipeline) throw definitionError(file, problems);
  // Every format's compiler returns a trace with its pipeline; a missing one places everything at the file's start.
  const trace = result.trace ?? { at: parsed.locator.start(), fields: {}, stages: [] };
  return { pipeline: result.pipeline, locate: new PipelineLocator(trace), warnings: result.warnings ?? [] };
}

/** The format of parsed data; a file that is none of them is a problem. */
function detectFormat(data: unknown, parsed: ParsedYaml): DefinitionFormat {
  const hint =
    'write a native definition (`pipeline: NAME`), a CloudFormation template with an AWS::CodePipeline::Pipeline resource, or the JSON `aws codepipeline get-pipeline` prints';
  if (!isPlainObject(data)) {
    const what = data === null || data === undefined ? 'the file is empty' : 'the file does not hold a mapping';
    throw definitionError(parsed.locator.file, [problem(parsed.locator.start(), `${what}: it is not a pipeline definition`, hint)]);
  }
  if ('Resources' in data || 'AWSTemplateFormatVersion' in data) return 'codepipeline-template';
  if (isPipelineJson(data)) return 'codepipeline-json';
  if ('pipeline' in data || 'stages' in data) return 'native';
  throw definitionError(parsed.locator.file, [problem(parsed.locator.start(), 'this file is not a pipeline definition', hint)]);
}

function parseChecked(text: string, file: string): ParsedYaml {
  const parsed = parseYaml(text, file);
  if (parsed.syntaxProblems.length > 0) {
    const problems = looksLikeTemplate(text) ? brokenTemplateProblems(text, parsed.locator, parsed.syntaxProblems) : parsed.syntaxProblems;
    throw definitionError(file, problems);
  }
  // Before anything reads the document into objects, where `__proto__` would vanish.
  const reserved = prototypeKeyProblems(parsed.doc, parsed.locator);
  if (reserved.length > 0) throw definitionError(file, [...parsed.warnings, ...reserved]);
  return parsed;
}

function makeContext(file: string, options: LoadOptions): LoadContext {
  const context: LoadContext = { file, absoluteFile: resolve(file), exports: options.exports ?? {} };
  if (options.missingExports !== undefined) context.missingExports = options.missingExports;
  if (options.pipelineName !== undefined) context.pipelineName = options.pipelineName;
  return context;
}

async function readDefinition(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MeridianError('NOT_FOUND', `definition file ${file} does not exist`, { cause: thrown });
    throw new MeridianError('BAD_INPUT', `cannot read definition file ${file}: ${(thrown as Error).message}`, { cause: thrown });
  }
}
