/**
 * The sections of a CloudFormation template that Meridian reads: top-level keys,
 * `Resources` (with the pipelines among them) and the home region from `Metadata`.
 */
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { Locator } from '../../lib/yaml/locator.js';
import { mapEntries, mapGet, plainString } from '../yaml/nodes.js';
import type { ResourceInfo } from './scope.js';

export const PIPELINE_TYPE = 'AWS::CodePipeline::Pipeline';

const SECTIONS = [
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Hooks',
];
const RESOURCE_KEYS = ['Type', 'Properties', 'DependsOn', 'Metadata', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy'];

export interface TemplateSections {
  root: YAMLMap;
  resources: Map<string, ResourceInfo>;
  /** Pipeline resources in document order. */
  pipelines: ResourceInfo[];
  problems: Problem[];
}

export function readSections(root: YAMLMap, locator: Locator): TemplateSections {
  const problems: Problem[] = [];
  for (const { key, keyNode } of mapEntries(root)) {
    if (!SECTIONS.includes(key)) {
      problems.push(
        problem(locator.ofNode(keyNode), `unknown template section \`${key}\``, didYouMean(key, SECTIONS) ?? `a template may have ${listWords(SECTIONS)}`),
      );
    }
  }
  const transform = transformProblem(root, locator);
  if (transform) problems.push(transform);
  const resources = new Map<string, ResourceInfo>();
  const section = mapGet(root, 'Resources');
  if (!isMap(section)) {
    problems.push(problem(section ? locator.ofNode(section) : locator.start(), '`Resources` must be a mapping of logical ids to resources'));
    return { root, resources, pipelines: [], problems };
  }
  for (const { key, keyNode, value } of mapEntries(section)) {
    const location = locator.ofNode(keyNode);
    if (!isMap(value)) {
      problems.push(problem(location, `resource ${key} must be a mapping with a Type`, `write \`Type:\` and \`Properties:\` indented under \`${key}:\``));
      continue;
    }
    for (const entry of mapEntries(value)) {
      if (!RESOURCE_KEYS.includes(entry.key)) {
        problems.push(
          problem(
            locator.ofNode(entry.keyNode),
            `unknown key \`${entry.key}\` in resource ${key}`,
            didYouMean(entry.key, RESOURCE_KEYS) ?? `a resource may have ${listWords(RESOURCE_KEYS)}`,
          ),
        );
      }
    }
    const type = plainString(mapGet(value, 'Type'));
    if (type === undefined) {
      problems.push(problem(location, `resource ${key} has no Type`, 'add e.g. `Type: AWS::CodePipeline::Pipeline`'));
      continue;
    }
    const properties = mapGet(value, 'Properties');
    if (properties !== undefined && properties !== null && !isMap(properties)) {
      problems.push(problem(locator.ofNode(properties), `the Properties of ${key} must be a mapping`));
      continue;
    }
    resources.set(key, { id: key, type, node: value, properties: isMap(properties) ? mapEntries(properties) : [], location });
  }
  const pipelines = [...resources.values()].filter((resource) => resource.type === PIPELINE_TYPE);
  if (pipelines.length === 0) {
    problems.push(problem(locator.ofNode(section), `this template has no ${PIPELINE_TYPE} resource`, `add a resource with \`Type: ${PIPELINE_TYPE}\``));
  }
  return { root, resources, pipelines, problems };
}

/**
 * A top-level `Transform` asks CloudFormation to rewrite the template (SAM, language
 * extensions, a macro) before it is read; Meridian does not run transforms, and reading the
 * template as written would run a different pipeline than CloudFormation would create.
 */
function transformProblem(root: YAMLMap, locator: Locator): Problem | undefined {
  const entry = mapEntries(root).find((e) => e.key === 'Transform');
  if (!entry) return undefined;
  const items = isSeq(entry.value) ? (entry.value.items as Node[]) : [entry.value];
  const names = items.map((item) => plainString(item) ?? plainString(mapGet(item, 'Name'))).filter((name) => name !== undefined);
  const what = names.length > 0 ? `\`Transform: ${names.join(', ')}\`` : '`Transform`';
  return problem(
    locator.ofNode(entry.keyNode),
    `${what} asks CloudFormation to rewrite this template first; Meridian does not run transforms, so it would read a different pipeline`,
    'give Meridian the template after the transform (create a change set, then `aws cloudformation get-template --change-set-name NAME --stack-name STACK --template-stage Processed`), or remove `Transform` when the pipeline does not need it',
  );
}

export function property(resource: ResourceInfo, key: string): Node | null | undefined {
  return resource.properties.find((entry) => entry.key === key)?.value;
}

/**
 * `Metadata: { Meridian: { HomeRegion: eu-west-1 } }` on the pipeline resource or on the
 * template says where the pipeline lives; the resource's wins.
 */
export function metadataHomeRegion(root: YAMLMap, resourceNode: Node | null | undefined): { name: string; where: string; node: Node } | undefined {
  const fromResource = mapGet(mapGet(mapGet(resourceNode, 'Metadata'), 'Meridian'), 'HomeRegion');
  const resourceName = plainString(fromResource);
  if (fromResource && resourceName !== undefined)
    return { name: resourceName, where: "set by the resource's Metadata.Meridian.HomeRegion", node: fromResource };
  const fromTemplate = mapGet(mapGet(mapGet(root, 'Metadata'), 'Meridian'), 'HomeRegion');
  const templateName = plainString(fromTemplate);
  if (fromTemplate && templateName !== undefined)
    return { name: templateName, where: "set by the template's Metadata.Meridian.HomeRegion", node: fromTemplate };
  return undefined;
}

/** The first `ArtifactStores` region written as plain text, before anything is resolved (for `AWS::Region`). */
export function firstStoreRegion(resource: ResourceInfo): string | undefined {
  const stores = property(resource, 'ArtifactStores');
  if (!isSeq(stores)) return undefined;
  return plainString(mapGet(stores.items[0] as Node | undefined, 'Region'));
}
