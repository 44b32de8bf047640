/**
 * What `meridian import` reads from a CodePipeline file beside the compiled model: the
 * `Metadata.Meridian` blocks the model has no place for (region values, windows, rollout),
 * and the settings it leaves behind (roles, tags, webhook registration), so the native file
 * can say in a comment what was not carried over and why.
 */
import { isScalar } from 'yaml';
import { isPlainObject } from '../values.js';
import { parseYaml, toData } from '../../lib/yaml/parse-yaml.js';
import type { RegionValues } from './region-templates.js';

export interface TemplateExtras {
  regionValues: RegionValues;
  regionWindows: Record<string, unknown>;
  windows?: unknown;
  rollout?: unknown;
  /** One line per setting not carried over. */
  notes: string[];
}

export function templateExtras(text: string, file: string, pipelineName: string): TemplateExtras {
  const extras: TemplateExtras = { regionValues: {}, regionWindows: {}, notes: [] };
  const { doc } = parseYaml(text, file);
  const data: unknown = toData(doc);
  if (!isPlainObject(data)) return extras;
  if (isPlainObject(data.Resources)) {
    const resources = data.Resources;
    const entry =
      Object.entries(resources).find(([id, r]) => isPipeline(r) && (id === pipelineName || properties(r).Name === pipelineName)) ??
      Object.entries(resources).find(([, r]) => isPipeline(r));
    if (!entry) return extras;
    const [id, resource] = entry;
    readMetadata(resource, extras);
    // `!ImportValue X` reads as X in plain data: show the function as written.
    const role = doc.getIn(['Resources', id, 'Properties', 'RoleArn'], true);
    const written = isScalar(role) && role.tag?.startsWith('!') ? `${role.tag} ${String(role.value)}` : undefined;
    declarationNotes(properties(resource), 'pascal', extras.notes, written);
    for (const [hookId, hook] of Object.entries(resources)) {
      if (!isPlainObject(hook) || hook.Type !== 'AWS::CodePipeline::Webhook') continue;
      const props = properties(hook);
      const target = props.TargetPipeline;
      if (target !== id && target !== pipelineName && !(isPlainObject(target) && target.Ref === id)) continue;
      if (props.RegisterWithThirdParty !== undefined) {
        extras.notes.push(
          `webhook ${hookId}: RegisterWithThirdParty (Meridian registers nothing with GitHub: point the repository's webhook at \`meridian serve\`'s POST /webhooks/github/${pipelineName})`,
        );
      }
    }
    const others = Object.entries(resources).filter(
      ([, r]) => isPlainObject(r) && !['AWS::CodePipeline::Pipeline', 'AWS::CodePipeline::Webhook', 'AWS::CodeBuild::Project'].includes(String(r.Type)),
    );
    for (const [otherId, other] of others)
      extras.notes.push(
        `resource ${otherId} (${String((other as Record<string, unknown>).Type)}): kept under \`resources:\`, but Meridian creates nothing from it`,
      );
    return extras;
  }
  const declaration = isPlainObject(data.pipeline) ? data.pipeline : data;
  declarationNotes(declaration, 'camel', extras.notes);
  return extras;
}

function isPipeline(resource: unknown): boolean {
  return isPlainObject(resource) && resource.Type === 'AWS::CodePipeline::Pipeline';
}

function properties(resource: unknown): Record<string, unknown> {
  return isPlainObject(resource) && isPlainObject(resource.Properties) ? resource.Properties : {};
}

function readMetadata(resource: unknown, extras: TemplateExtras): void {
  const meta = isPlainObject(resource) && isPlainObject(resource.Metadata) ? resource.Metadata.Meridian : undefined;
  if (!isPlainObject(meta)) return;
  if (isPlainObject(meta.Regions)) {
    for (const [region, entry] of Object.entries(meta.Regions)) {
      if (isPlainObject(entry) && isPlainObject(entry.Values))
        extras.regionValues[region] = Object.fromEntries(Object.entries(entry.Values).map(([k, v]) => [k, String(v)]));
      if (isPlainObject(entry) && entry.Windows !== undefined) extras.regionWindows[region] = entry.Windows;
    }
  }
  if (meta.Windows !== undefined) extras.windows = meta.Windows;
  if (meta.Rollout !== undefined) extras.rollout = meta.Rollout;
}

function declarationNotes(declaration: Record<string, unknown>, style: 'pascal' | 'camel', notes: string[], writtenRole?: string): void {
  const key = (pascal: string): string => (style === 'pascal' ? pascal : pascal.charAt(0).toLowerCase() + pascal.slice(1));
  const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
  const role = declaration[key('RoleArn')];
  if (role !== undefined) notes.push(`${key('RoleArn')} ${writtenRole ?? shown(role)} (Meridian acts with the credentials of the machine it runs on)`);
  const type = declaration[key('PipelineType')];
  if (type !== undefined) notes.push(`${key('PipelineType')} ${shown(type)} (Meridian pipelines have V2's features; \`meridian export\` writes V2)`);
  if (declaration[key('Tags')] !== undefined) notes.push(`${key('Tags')} (resource tags mean nothing locally)`);
  const stages = declaration[key('Stages')];
  const roles = Array.isArray(stages)
    ? stages
        .flatMap((stage) => (isPlainObject(stage) && Array.isArray(stage[key('Actions')]) ? (stage[key('Actions')] as unknown[]) : []))
        .filter((action) => isPlainObject(action) && action[key('RoleArn')] !== undefined).length
    : 0;
  if (roles > 0)
    notes.push(
      `${key('RoleArn')} of ${roles} action${roles === 1 ? '' : 's'} (the action runs with this machine's credentials; a CloudFormation action's configuration RoleArn is kept)`,
    );
}
