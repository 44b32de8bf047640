/**
 * Stack parameters, tags and stack policy from `TemplateConfiguration` and
 * `ParameterOverrides` (overrides win). Override values may be `Fn::GetParam` (a key of a
 * JSON file in an input artifact) or `Fn::GetArtifactAtt` (where an input artifact lives).
 */
import { dirname, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MeridianError } from '../../domain/errors.js';
import type { ActionContext } from '../provider.js';
import { inputFolder, readArtifactFile } from './artifact-files.js';
import type { StackActionConfig } from './configuration.js';
import type { StackTemplate } from './template.js';

export interface StackInputs {
  parameters: Record<string, string>;
  tags: Record<string, string>;
  /** JSON text of the stack policy, when the template configuration has one. */
  stackPolicy?: string;
}

export async function readStackInputs(ctx: ActionContext, config: StackActionConfig, template: StackTemplate): Promise<StackInputs> {
  const inputs: StackInputs = { parameters: {}, tags: {} };
  if (config.templateConfiguration) {
    const ref = config.templateConfiguration;
    const json = parseJson(await readArtifactFile(ctx, ref, 'TemplateConfiguration'), `TemplateConfiguration ${ref.artifact}::${ref.path}`);
    inputs.parameters = stringMap(json.Parameters, 'Parameters of TemplateConfiguration');
    inputs.tags = stringMap(json.Tags, 'Tags of TemplateConfiguration');
    if (json.StackPolicy !== undefined) inputs.stackPolicy = JSON.stringify(json.StackPolicy);
  }
  if (config.parameterOverrides) {
    const overrides = parseJson(config.parameterOverrides, 'ParameterOverrides');
    for (const [name, value] of Object.entries(overrides)) inputs.parameters[name] = await overrideValue(ctx, name, value);
  }
  const unknown = Object.keys(inputs.parameters).filter((name) => !template.parameterNames.has(name));
  if (unknown.length > 0) {
    throw new MeridianError(
      'ACTION_FAILED',
      `parameters ${unknown.join(', ')} are not declared in the template (stack ${config.stackName} in ${ctx.action.region})`,
      {
        fault: 'user',
        details: { hint: 'declare them under Parameters in the template, or remove them from ParameterOverrides / TemplateConfiguration' },
      },
    );
  }
  return inputs;
}

async function overrideValue(ctx: ActionContext, name: string, value: unknown): Promise<string> {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const fn = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const getParam = fn['Fn::GetParam'];
  if (isStrings(getParam, 3)) {
    const [artifact = '', file = '', key = ''] = getParam;
    const json = parseJson(await readArtifactFile(ctx, { artifact, path: file }, `Fn::GetParam of ${name}`), `${artifact}::${file}`);
    const found = json[key];
    if (found === undefined) throw new MeridianError('ACTION_FAILED', `Fn::GetParam of ${name}: ${artifact}::${file} has no key ${key}`, { fault: 'user' });
    return typeof found === 'string' ? found : JSON.stringify(found);
  }
  const getAtt = fn['Fn::GetArtifactAtt'];
  if (isStrings(getAtt, 2)) {
    const [artifact = '', attribute = ''] = getAtt;
    return artifactAttribute(ctx, name, artifact, attribute);
  }
  throw new MeridianError(
    'ACTION_FAILED',
    `ParameterOverrides ${name} must be a string, Fn::GetParam [artifact, file, key] or Fn::GetArtifactAtt [artifact, attribute]`,
    {
      fault: 'user',
    },
  );
}

/**
 * Meridian's artifacts are folders, not S3 objects: `BucketName` is the folder holding the
 * unpacked artifact, `ObjectKey` its name inside that folder and `URL` its file URL.
 */
function artifactAttribute(ctx: ActionContext, name: string, artifact: string, attribute: string): string {
  const folder = inputFolder(ctx, artifact, `Fn::GetArtifactAtt of ${name}`);
  switch (attribute) {
    case 'BucketName':
      return dirname(folder);
    case 'ObjectKey':
      return relative(dirname(folder), folder);
    case 'URL':
      return pathToFileURL(folder).href;
    default:
      throw new MeridianError('ACTION_FAILED', `Fn::GetArtifactAtt of ${name}: ${attribute} is not an artifact attribute`, {
        fault: 'user',
        details: { hint: 'use BucketName, ObjectKey or URL' },
      });
  }
}

function isStrings(value: unknown, length: number): value is string[] {
  return Array.isArray(value) && value.length === length && value.every((item) => typeof item === 'string');
}

function parseJson(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MeridianError('ACTION_FAILED', `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      fault: 'user',
      cause: error,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new MeridianError('ACTION_FAILED', `${what} must be a JSON object`, { fault: 'user' });
  return value as Record<string, unknown>;
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new MeridianError('ACTION_FAILED', `${what} must be a JSON object`, { fault: 'user' });
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, typeof item === 'string' ? item : JSON.stringify(item)]));
}
