/**
 * The JSON that `aws codepipeline get-pipeline` prints (`{ "pipeline": {...}, "metadata":
 * {...} }`, camelCase keys, `artifactStores` a map region -> store) -> one Pipeline. The
 * bare declaration (what `create-pipeline --pipeline` reads) is accepted too. The home
 * region comes from `metadata.pipelineArn` when present.
 */
import type { Pipeline } from '../../domain/pipeline.js';
import type { CompileResult, LoadContext } from '../compile-result.js';
import { isPlainObject } from '../values.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import { compileDeclaration } from './compile-declaration.js';
import { DeclarationReader } from './declaration-reader.js';

const DECLARATION_KEYS = ['Name', 'RoleArn', 'ArtifactStore', 'ArtifactStores', 'Stages', 'Version', 'ExecutionMode', 'PipelineType', 'Variables', 'Triggers'];

/** True when `root` looks like get-pipeline output or a bare pipeline declaration. */
export function isPipelineJson(root: unknown): boolean {
  if (!isPlainObject(root)) return false;
  if (isPlainObject(root.pipeline)) return true;
  return 'stages' in root && ('artifactStore' in root || 'artifactStores' in root);
}

export function pipelineJsonName(root: Record<string, unknown>): string | undefined {
  const declaration = isPlainObject(root.pipeline) ? root.pipeline : root;
  return typeof declaration.name === 'string' ? declaration.name : undefined;
}

export function compilePipelineJson(root: Record<string, unknown>, locator: Locator, context: LoadContext): CompileResult {
  const reader = new DeclarationReader(locator, 'camel');
  const wrapped = isPlainObject(root.pipeline);
  const path: Path = wrapped ? ['pipeline'] : [];
  const declaration = (wrapped ? root.pipeline : root) as Record<string, unknown>;
  if (wrapped) reader.checkKeys(root, [], ['Pipeline', 'Metadata'], 'get-pipeline output');

  const arn = isPlainObject(root.metadata) ? root.metadata.pipelineArn : undefined;
  const arnRegion = typeof arn === 'string' ? /^arn:[^:]+:codepipeline:([^:]+):/.exec(arn)?.[1] : undefined;
  const compiled = compileDeclaration(reader, declaration, path, {
    knownKeys: DECLARATION_KEYS,
    homeRegion: arnRegion === undefined ? undefined : { name: arnRegion, where: 'from metadata.pipelineArn' },
  });
  const pipeline: Pipeline = {
    name: compiled.name,
    homeRegion: compiled.homeRegion,
    regions: compiled.regions,
    stages: compiled.stages,
    variables: compiled.variables,
    parameters: [],
    executionMode: compiled.executionMode,
    triggers: compiled.triggers,
    webhooks: [],
    polls: compiled.polls,
    resources: {},
    file: context.absoluteFile,
    format: 'codepipeline-json',
  };
  if (context.pipelineName !== undefined && context.pipelineName !== pipeline.name) {
    reader.report(
      reader.at([...path, 'name']),
      `this file holds pipeline ${pipeline.name}, not ${context.pipelineName}`,
      `pass \`--pipeline ${pipeline.name}\` or leave it out`,
    );
  }
  return { pipeline, trace: compiled.trace, problems: [...reader.problems, ...compiled.triggerProblems], blocking: reader.problems.length > 0 };
}
