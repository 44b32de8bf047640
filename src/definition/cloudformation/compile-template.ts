/**
 * A CloudFormation template holding one or more `AWS::CodePipeline::Pipeline` resources
 * -> one compiled Pipeline. Only what Meridian runs is resolved strictly (the pipeline's
 * stores, stages, variables, and the resources providers read: CodeBuild projects and
 * webhooks); other resources keep unresolvable functions in their long form, unreported.
 */
import { basename, extname } from 'node:path';
import type { YAMLMap } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import { DEFAULT_REGION, type ConfigValue, type Pipeline, type TemplateParameter } from '../../domain/pipeline.js';
import { compileDeclaration } from '../codepipeline/compile-declaration.js';
import { DeclarationReader } from '../codepipeline/declaration-reader.js';
import type { CompileResult, LoadContext } from '../compile-result.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import { NO_VALUE, UNRESOLVED, isPlainObject, type Value } from '../values.js';
import type { Locator } from '../../lib/yaml/locator.js';
import { mapGet } from '../yaml/nodes.js';
import { applyLaneMetadata } from './lane-metadata.js';
import { applyRegionMetadata, applyWindowMetadata, meridianMetadata } from './meridian-metadata.js';
import { lostNameHint, readParameters, strayParameterProblems } from './parameters.js';
import { referencedNames } from './references.js';
import { Resolver } from './resolve.js';
import { compileWebhooks, WEBHOOK_TYPE } from './webhooks.js';
import type { ResourceInfo, ResolveScope } from './scope.js';
import { firstStoreRegion, metadataHomeRegion, PIPELINE_TYPE, property, readSections, type TemplateSections } from './template-sections.js';

const PIPELINE_KEYS = [
  'Name',
  'RoleArn',
  'ArtifactStore',
  'ArtifactStores',
  'Stages',
  'Variables',
  'PipelineType',
  'ExecutionMode',
  'RestartExecutionOnUpdate',
  'DisableInboundStageTransitions',
  'Triggers',
  'Tags',
];
/** Properties Meridian acts on; the others (role, tags...) are kept out of resolution. */
const RESOLVED_KEYS = new Set(['Name', 'ArtifactStore', 'ArtifactStores', 'Stages', 'Variables', 'PipelineType', 'ExecutionMode', 'Triggers']);
/** Resource types whose properties providers read, so their problems matter. */
const STRICT_TYPES = new Set(['AWS::CodeBuild::Project', WEBHOOK_TYPE]);

interface Template {
  sections: TemplateSections;
  scopeFor(resource: ResourceInfo): ResolveScope;
  problems: Problem[];
}

function readTemplate(root: YAMLMap, locator: Locator, context: LoadContext): Template {
  const sections = readSections(root, locator);
  const parameters = readParameters(mapGet(root, 'Parameters'), locator);
  const undeclared = referencedNames(root).filter((name) => !parameters.declared.has(name) && !sections.resources.has(name) && !name.startsWith('AWS::'));
  const lost = lostNameHint(parameters.stray, undeclared);
  const problems = [...sections.problems, ...parameters.problems, ...strayParameterProblems(parameters.stray, undeclared)];
  const stackName = basename(context.file, extname(context.file));
  const scopeFor = (resource: ResourceInfo): ResolveScope => ({
    locator,
    parameters: parameters.declared,
    resources: sections.resources,
    mappings: mapGet(root, 'Mappings'),
    exports: context.exports,
    ...(context.missingExports === undefined ? {} : { missingExports: context.missingExports }),
    homeRegion: metadataHomeRegion(root, resource.node)?.name ?? firstStoreRegion(resource) ?? DEFAULT_REGION,
    stackName,
    unresolvedHint: lost === undefined ? undefined : (name) => (undeclared.includes(name) ? lost : undefined),
  });
  return { sections, scopeFor, problems };
}

/** The pipelines of a template: their resolved `Name`, or the logical id. */
export function templatePipelineNames(root: YAMLMap, locator: Locator, context: LoadContext): { names: string[]; problems: Problem[] } {
  const template = readTemplate(root, locator, context);
  return { names: template.sections.pipelines.map((p) => pipelineName(p, template.scopeFor(p))), problems: template.problems };
}

function pipelineName(resource: ResourceInfo, scope: ResolveScope): string {
  const name = new Resolver(scope).lenient(property(resource, 'Name'));
  return typeof name === 'string' ? name : resource.id;
}

export function compileTemplate(root: YAMLMap, locator: Locator, context: LoadContext): CompileResult {
  const template = readTemplate(root, locator, context);
  const { sections } = template;
  const problems = [...template.problems];
  const chosen = choosePipeline(template, locator, context.pipelineName, problems);
  if (!chosen) return { problems, blocking: true };

  refuseCondition(chosen, locator, problems);
  const resolver = new Resolver(template.scopeFor(chosen));
  const propertiesPath = ['Resources', chosen.id, 'Properties'];
  const declaration: Record<string, unknown> = {};
  for (const { key, value } of chosen.properties) {
    const resolved = RESOLVED_KEYS.has(key) ? resolver.value(value) : resolver.lenient(value);
    if (resolved !== NO_VALUE) declaration[key] = resolved;
  }
  const home = metadataHomeRegion(root, chosen.node);
  if (home?.name === '') {
    problems.push(
      problem(locator.ofNode(home.node), '`HomeRegion` is empty', 'write the region the pipeline lives in, e.g. `HomeRegion: eu-west-1`, or leave it out'),
    );
    return { problems, blocking: true };
  }
  const reader = new DeclarationReader(locator, 'pascal');
  const compiled = compileDeclaration(reader, declaration, locator.has(propertiesPath) ? propertiesPath : ['Resources', chosen.id], {
    knownKeys: PIPELINE_KEYS,
    defaultName: chosen.id,
    homeRegion: home,
  });

  problems.push(...applyRegionMetadata(chosen.node, compiled.regions, locator));
  problems.push(...applyLaneMetadata(meridianMetadata(chosen.node), compiled, locator));
  const windows = applyWindowMetadata(chosen.node, chosen.id, compiled, locator);
  problems.push(...windows.problems);
  const resources: Pipeline['resources'] = {};
  const resolvedWebhooks = new Map<string, Record<string, Value>>();
  for (const resource of sections.resources.values()) {
    if (resource.type === PIPELINE_TYPE) continue;
    if (STRICT_TYPES.has(resource.type)) refuseCondition(resource, locator, problems);
    const properties: Record<string, ConfigValue> = {};
    const resolvedProperties: Record<string, Value> = {};
    for (const { key, value } of resource.properties) {
      const resolved = STRICT_TYPES.has(resource.type) ? resolver.value(value) : resolver.lenient(value);
      if (resolved !== NO_VALUE) resolvedProperties[key] = resolved;
      const plain = resolved === NO_VALUE ? undefined : withoutUnresolved(resolved);
      if (plain !== undefined) properties[key] = plain;
    }
    // A webhook's content is in `webhooks`; the other resources stay for the providers.
    if (resource.type === WEBHOOK_TYPE) resolvedWebhooks.set(resource.id, resolvedProperties);
    else resources[resource.id] = { type: resource.type, properties };
  }
  const scope = template.scopeFor(chosen);
  const webhookReader = new DeclarationReader(locator, 'pascal');
  const webhooks = compileWebhooks(
    webhookReader,
    {
      resources: sections.resources,
      resolved: resolvedWebhooks,
      pipelineId: chosen.id,
      pipelineName: compiled.name,
      pipelineNames: new Map(sections.pipelines.map((p) => [p.id, p.id === chosen.id ? compiled.name : pipelineName(p, template.scopeFor(p))])),
      parameters: scope.parameters,
    },
    compiled.trace,
  );

  const parameters: TemplateParameter[] = [...scope.parameters.values()]
    .filter((declared) => resolver.usedParameters.has(declared.name))
    .map(({ name, type, default: defaultValue, noEcho, location }) => ({
      name,
      type,
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      ...(noEcho ? { noEcho } : {}),
      location,
    }));

  const pipeline: Pipeline = {
    name: compiled.name,
    homeRegion: compiled.homeRegion,
    regions: compiled.regions,
    stages: compiled.stages,
    variables: compiled.variables,
    parameters,
    executionMode: compiled.executionMode,
    triggers: compiled.triggers,
    webhooks,
    polls: compiled.polls,
    resources,
    ...(windows.windowPolicy === undefined ? {} : { windowPolicy: windows.windowPolicy }),
    ...(windows.rollout === undefined ? {} : { rollout: windows.rollout }),
    file: context.absoluteFile,
    format: 'codepipeline-template',
  };
  // Triggers and webhooks leave the stages whole: their problems do not stop the rules.
  problems.push(...resolver.problems, ...reader.problems, ...compiled.triggerProblems, ...webhookReader.problems);
  return { pipeline, trace: compiled.trace, problems, warnings: resolver.warnings, blocking: reader.problems.length > 0 || reader.sawUnresolved };
}

function choosePipeline(template: Template, locator: Locator, wanted: string | undefined, problems: Problem[]): ResourceInfo | undefined {
  const { pipelines } = template.sections;
  if (pipelines.length === 0) return undefined;
  const named = pipelines.map((resource) => ({ resource, name: pipelineName(resource, template.scopeFor(resource)) }));
  const names = named.map((entry) => entry.name);
  const where = locator.keyAt(['Resources']);
  if (wanted !== undefined) {
    const match = named.find((entry) => entry.name === wanted) ?? named.find((entry) => entry.resource.id === wanted);
    if (match) return match.resource;
    problems.push(
      problem(
        where,
        `there is no pipeline named ${wanted} in this template; it holds ${listWords(names, 'and')}`,
        didYouMean(wanted, names) ?? `pass \`--pipeline ${names[0]!}\``,
      ),
    );
    return undefined;
  }
  if (named.length === 1) return named[0]!.resource;
  problems.push(
    problem(
      where,
      `this template holds ${named.length} pipelines: ${listWords(names, 'and')}`,
      `pass \`--pipeline NAME\` to choose one, e.g. \`--pipeline ${names[0]!}\``,
    ),
  );
  return undefined;
}

/** A resource Meridian reads would exist or not depending on a condition Meridian does not evaluate. */
function refuseCondition(resource: ResourceInfo, locator: Locator, problems: Problem[]): void {
  if (mapGet(resource.node, 'Condition') === undefined) return;
  problems.push(
    problem(
      locator.keyAt(['Resources', resource.id, 'Condition']),
      `\`Condition\` on ${resource.id} is not supported: Meridian does not evaluate CloudFormation conditions, so it cannot tell whether ${resource.type} exists`,
      `remove \`Condition\` from ${resource.id}, or keep one template per environment`,
    ),
  );
}

/** Resource properties without the values that failed to resolve (already reported). */
function withoutUnresolved(value: Value): ConfigValue | undefined {
  if (value === UNRESOLVED) return undefined;
  if (Array.isArray(value)) return value.map(withoutUnresolved).filter((item): item is ConfigValue => item !== undefined);
  if (isPlainObject(value)) {
    const out: Record<string, ConfigValue> = {};
    for (const [key, item] of Object.entries(value as Record<string, Value>)) {
      const plain = withoutUnresolved(item);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }
  return value;
}
