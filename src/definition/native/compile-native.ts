/**
 * The native format -> one Pipeline. Regions are declared once (no regions: one region,
 * the home region); `sources:` become the automatic first stage `Source`; stages expand
 * with forEach (expand-stage.ts). Shape errors come from the zod schema, all at once.
 */
import path from 'node:path';
import { visit, type Document } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import {
  DEFAULT_REGION,
  type ArtifactStoreRef,
  type Pipeline,
  type PipelineVariable,
  type Region,
  type Stage,
  type TemplateParameter,
} from '../../domain/pipeline.js';
import { SHORT_FORMS } from '../../lib/yaml/intrinsic-tags.js';
import { toData } from '../../lib/yaml/parse-yaml.js';
import type { CompileResult, LoadContext } from '../compile-result.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { PipelineTrace, StageTrace } from '../trace.js';
import type { Locator } from '../../lib/yaml/locator.js';
import { SHORT_NAMES } from './action-types.js';
import { compileActionStarts } from './action-starts.js';
import { expandStage } from './expand-stage.js';
import { emptyRegionProblems } from './region-names.js';
import { misplacedRegionReferences, regionValuesOf, substituteStores } from './region-places.js';
import { applyExpectedDurations, compileRollout } from './rollout.js';
import { nativeSchema, type NativeDefinition } from './schema.js';
import { compileSourceStarts, NATIVE_TRIGGER_PROVIDER, type SourceStarts, type StartsContext, type StartSubject } from './source-triggers.js';
import { compileWindows } from './windows.js';
import { zodProblems } from './zod-problems.js';

export function compileNative(doc: Document, locator: Locator, context: LoadContext): CompileResult {
  const problems = intrinsicTagProblems(doc, locator);
  const data: unknown = toData(doc);
  const parsed = nativeSchema.safeParse(data);
  if (!parsed.success) return { problems: [...problems, ...zodProblems(parsed.error.issues, nativeSchema, data, locator)], blocking: true };
  const definition = parsed.data;
  // An empty region name would be reported again by every check that looks regions up: stop at it.
  const emptyRegions = emptyRegionProblems(definition, locator);
  if (emptyRegions.length > 0) return { problems: [...problems, ...emptyRegions], blocking: true };
  const trace: PipelineTrace = { at: locator.at([]), fields: { name: locator.at(['pipeline']), stages: locator.keyAt(['stages']) }, stages: [] };

  const baseDir = path.dirname(context.absoluteFile);
  const regions = compileRegions(definition, locator, trace, problems, baseDir);
  const homeRegion = definition.home ?? regions[0]?.name ?? DEFAULT_REGION;
  if (definition.home !== undefined && !regions.some((r) => r.name === definition.home)) {
    const names = regions.map((r) => r.name);
    problems.push(
      problem(
        locator.at(['home']),
        `home region ${definition.home} is not declared under \`regions:\``,
        didYouMean(definition.home, names) ?? `declared regions: ${listWords(names, 'and')}`,
      ),
    );
  }

  const stages: Stage[] = [];
  const starts: SourceStarts = { webhooks: [], triggers: [], polls: [] };
  const source = sourceStage(definition, homeRegion, { locator, trace, problems }, baseDir, starts);
  if (source) {
    stages.push(source.stage);
    trace.stages.push(source.trace);
  }
  const regionValues = regionValuesOf(definition, regions, locator, problems);
  substituteStores(definition, regions, regionValues, locator, problems);
  misplacedRegionReferences(definition, locator, problems);
  definition.stages.forEach((stageDefinition, i) => {
    const { stage, trace: stageTrace } = expandStage(stageDefinition, i, { regions, regionValues, homeRegion, locator, problems });
    stages.push(stage);
    trace.stages.push(stageTrace);
  });
  compileActionStarts(definition, stages, { locator, trace, problems }, starts, source !== undefined);
  applyExpectedDurations(definition, stages, regions);
  const windowPolicy = compileWindows(definition, regions, { locator, problems }, regionValues);
  const rollout = compileRollout(definition, regions, regionValues, { locator, problems });

  if (context.pipelineName !== undefined && context.pipelineName !== definition.pipeline) {
    problems.push(
      problem(
        locator.at(['pipeline']),
        `this file holds pipeline ${definition.pipeline}, not ${context.pipelineName}`,
        `pass \`--pipeline ${definition.pipeline}\` or leave it out`,
      ),
    );
  }
  const pipeline: Pipeline = {
    name: definition.pipeline,
    homeRegion,
    regions,
    stages,
    variables: compileVariables(definition, locator, trace),
    parameters: compileParameters(definition, locator),
    executionMode: definition.executionMode ?? 'SUPERSEDED',
    triggers: starts.triggers,
    webhooks: starts.webhooks,
    polls: starts.polls,
    resources: compileResources(definition),
    ...(windowPolicy === undefined ? {} : { windowPolicy }),
    ...(rollout === undefined ? {} : { rollout }),
    file: context.absoluteFile,
    format: 'native',
  };
  // Compile problems leave stand-ins (an undeclared region, an unknown `uses`) that rules would report again.
  return { pipeline, trace, problems, blocking: problems.length > 0 };
}

function compileRegions(definition: NativeDefinition, locator: Locator, trace: PipelineTrace, problems: Problem[], baseDir: string): Region[] {
  const entries = Object.entries(definition.regions ?? {});
  if (entries.length === 0) {
    const name = definition.home ?? DEFAULT_REGION;
    return [{ name, timezone: 'UTC', store: storeRef(name, undefined) }];
  }
  return entries.map(([name, region]) => {
    trace.fields[`regions.${name}`] = locator.keyAt(['regions', name]);
    const timezone = region?.timezone ?? 'UTC';
    if (!isTimeZone(timezone)) {
      problems.push(
        problem(
          locator.at(['regions', name, 'timezone']),
          `\`${timezone}\` is not a time zone`,
          'use an IANA time zone name such as Europe/Dublin, America/New_York or UTC',
        ),
      );
    }
    if (region?.bucket !== undefined && region.store !== undefined) {
      problems.push(
        problem(
          locator.keyAt(['regions', name, 'bucket']),
          `region ${name} has both \`store\` and \`bucket\``,
          'keep `store` (where Meridian keeps the artifacts) or `bucket` (a CodePipeline artifact bucket name)',
        ),
      );
    }
    // A CodePipeline bucket name: like a template's ArtifactStores entry (kept in stores/<region> locally).
    const store: ArtifactStoreRef = region?.bucket !== undefined ? { kind: 's3', location: region.bucket } : storeRef(name, region?.store, baseDir);
    return { name, timezone, store };
  });
}

function compileResources(definition: NativeDefinition): Pipeline['resources'] {
  const out: Pipeline['resources'] = {};
  for (const [id, resource] of Object.entries(definition.resources ?? {})) {
    out[id] = { type: resource.Type, properties: resource.Properties ?? {} };
  }
  return out;
}

/**
 * Default `stores/NAME` inside the state dir (a relative location is relative to the state
 * dir); `s3://bucket` is an S3 store; a written path is relative to the definition file.
 */
function storeRef(region: string, written: string | undefined, baseDir = '.'): ArtifactStoreRef {
  if (written === undefined) return { kind: 'folder', location: `stores/${region}` };
  // Kept with its scheme: the execution uses an S3 store only for an explicit s3:// location.
  if (written.startsWith('s3://')) return { kind: 's3', location: written };
  return { kind: 'folder', location: path.resolve(baseDir, written) };
}

/** A git location that is not a URL is a path relative to the definition file. */
function gitLocation(written: string, baseDir: string): string {
  return /^([a-z][a-z0-9+.-]*:\/\/|[^/]+@[^/:]+:)/i.test(written) ? written : path.resolve(baseDir, written);
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function sourceStage(
  definition: NativeDefinition,
  homeRegion: string,
  ctx: StartsContext,
  baseDir: string,
  starts: SourceStarts,
): { stage: Stage; trace: StageTrace } | undefined {
  const { locator, problems } = ctx;
  if (definition.sources && definition.source) {
    problems.push(problem(locator.keyAt(['source']), 'both `sources:` and `source:` are given', 'keep one of them (they mean the same)'));
  }
  const key = definition.sources ? 'sources' : 'source';
  const sources = definition.sources ?? definition.source;
  if (!sources || Object.keys(sources).length === 0) return undefined;
  const at = locator.keyAt([key]);
  const stage: Stage = { name: 'Source', actions: [], location: at };
  const trace: StageTrace = { at, fields: { name: at }, actions: [] };
  for (const [name, source] of Object.entries(sources)) {
    const path = [key, name];
    const configuration: Record<string, string> = { Repository: gitLocation(source.git, baseDir) };
    if (source.branch !== undefined) configuration.Branch = source.branch;
    const location = locator.keyAt(path);
    stage.actions.push({
      name,
      type: { ...SHORT_NAMES.git! },
      runOrder: 1,
      region: homeRegion,
      // A source names no region: like an action without `region:`, it runs in the home region by default.
      homeByDefault: true,
      configuration,
      inputArtifacts: [],
      outputArtifacts: [name],
      ...(source.namespace === undefined ? {} : { namespace: source.namespace }),
      location,
    });
    const subject: StartSubject = { name, providerType: NATIVE_TRIGGER_PROVIDER, onNeedsWebhook: true };
    if (source.branch !== undefined) Object.assign(subject, { branchKey: 'Branch', branchPath: [...path, 'branch'] });
    compileSourceStarts(subject, source, path, starts, ctx);
    trace.actions.push({
      at: location,
      fields: {
        name: location,
        'outputArtifacts.0': location,
        'configuration.Repository': locator.at([...path, 'git']),
        ...(source.branch === undefined ? {} : { 'configuration.Branch': locator.at([...path, 'branch']) }),
        ...(source.namespace === undefined ? {} : { namespace: locator.at([...path, 'namespace']) }),
      },
    });
  }
  return { stage, trace };
}

function compileVariables(definition: NativeDefinition, locator: Locator, trace: PipelineTrace): PipelineVariable[] {
  return Object.entries(definition.variables ?? {}).map(([name, value]) => {
    trace.fields[`variables.${name}`] = locator.keyAt(['variables', name]);
    if (typeof value !== 'object') return { name, defaultValue: String(value) };
    const variable: PipelineVariable = { name };
    if (value.default !== undefined) variable.defaultValue = String(value.default);
    if (value.description !== undefined) variable.description = value.description;
    return variable;
  });
}

function compileParameters(definition: NativeDefinition, locator: Locator): TemplateParameter[] {
  return Object.entries(definition.parameters ?? {}).map(([name, value]) => {
    const location = locator.keyAt(['parameters', name]);
    if ('ssm' in value) return { name, type: 'SSM', default: value.ssm, location };
    const type = value.type ?? 'String';
    return { name, type, ...(value.default === undefined ? {} : { default: String(value.default) }), ...(value.noEcho ? { noEcho: true } : {}), location };
  });
}

/** `!Ref` and friends are CloudFormation syntax; in the native format they would silently become plain text. */
function intrinsicTagProblems(doc: Document, locator: Locator): Problem[] {
  const problems: Problem[] = [];
  visit(doc, (_key, node) => {
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag !== undefined && SHORT_FORMS.has(tag) && node && typeof node === 'object' && 'range' in node) {
      problems.push(
        problem(
          locator.ofNode(node as Parameters<Locator['ofNode']>[0]),
          `${tag} is CloudFormation syntax; the native format does not evaluate it`,
          'write the value, or `#{parameters.NAME}` for a value read when an execution starts',
        ),
      );
    }
  });
  return problems;
}
