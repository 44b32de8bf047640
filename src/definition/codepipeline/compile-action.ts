/** One CodePipeline action declaration (`ActionDeclaration`) -> an Action of the model. */
import type { Action, ActionCategory, ActionOwner, ConfigValue, EnvironmentVariable, EnvironmentVariableType } from '../../domain/pipeline.js';
import type { ActionTrace } from '../trace.js';
import { UNRESOLVED } from '../values.js';
import type { Path } from '../../lib/yaml/locator.js';
import type { DeclarationReader } from './declaration-reader.js';

export const ACTION_CATEGORIES: readonly ActionCategory[] = ['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke', 'Compute'];
export const ACTION_OWNERS: readonly ActionOwner[] = ['AWS', 'ThirdParty', 'Custom', 'Meridian'];
const ENV_TYPES: readonly EnvironmentVariableType[] = ['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'];

const ACTION_KEYS = [
  'Name',
  'ActionTypeId',
  'RunOrder',
  'Configuration',
  'InputArtifacts',
  'OutputArtifacts',
  'Region',
  'Namespace',
  'TimeoutInMinutes',
  'Commands',
  'OutputVariables',
  'EnvironmentVariables',
  'RoleArn',
];

export function readAction(r: DeclarationReader, value: unknown, path: Path, homeRegion: string): { action: Action; trace: ActionTrace } | undefined {
  const declaration = r.map(value, path, 'an action');
  if (!declaration) return undefined;
  r.checkKeys(declaration, path, ACTION_KEYS, 'an action');
  const trace: ActionTrace = { at: r.at(path), fields: {} };
  const field = (pascal: string, model: string, suffix: Path = []): Path => {
    const fieldPath = [...path, r.key(pascal), ...suffix];
    const location = r.fieldAt(fieldPath);
    if (location) trace.fields[suffix.length > 0 ? `${model}.${suffix[0]!}` : model] = location;
    return fieldPath;
  };

  const name = r.string(r.required(declaration, 'Name', path, 'an action'), field('Name', 'name'), 'the action name') ?? '';
  const typePath = field('ActionTypeId', 'type');
  const typeId = r.map(r.required(declaration, 'ActionTypeId', path, `action ${name}`), typePath, '`ActionTypeId`');
  if (typeId) r.checkKeys(typeId, typePath, ['Category', 'Owner', 'Provider', 'Version'], '`ActionTypeId`');
  const typeField = (key: string): unknown => (typeId ? r.required(typeId, key, typePath, '`ActionTypeId`') : UNRESOLVED);
  const type = {
    category: r.oneOf(typeField('Category'), [...typePath, r.key('Category')], 'Category', ACTION_CATEGORIES) ?? 'Build',
    owner: r.oneOf(typeField('Owner'), [...typePath, r.key('Owner')], 'Owner', ACTION_OWNERS) ?? 'AWS',
    provider: r.string(typeField('Provider'), [...typePath, r.key('Provider')], 'Provider') ?? '',
    version: r.string(typeField('Version'), [...typePath, r.key('Version')], 'Version') ?? '1',
  };

  const action: Action = {
    name,
    type,
    runOrder: 1,
    region: homeRegion,
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    location: trace.at,
  };
  const runOrder = r.get(declaration, 'RunOrder');
  if (runOrder !== undefined) action.runOrder = r.number(runOrder, field('RunOrder', 'runOrder'), 'RunOrder') ?? 1;
  const region = r.get(declaration, 'Region');
  if (region !== undefined) action.region = r.regionName(region, field('Region', 'region'), `the \`${r.key('Region')}\` of action ${name}`) ?? homeRegion;
  else action.homeByDefault = true;
  const namespace = r.get(declaration, 'Namespace');
  if (namespace !== undefined) action.namespace = r.string(namespace, field('Namespace', 'namespace'), 'Namespace');
  const timeout = r.get(declaration, 'TimeoutInMinutes');
  if (timeout !== undefined) action.timeoutInMinutes = r.number(timeout, field('TimeoutInMinutes', 'timeoutInMinutes'), 'TimeoutInMinutes');

  action.configuration = readConfiguration(r, r.get(declaration, 'Configuration'), field('Configuration', 'configuration'), (key) => {
    field('Configuration', 'configuration', [key]);
  });
  action.inputArtifacts = readArtifacts(r, r.get(declaration, 'InputArtifacts'), field('InputArtifacts', 'inputArtifacts'), 'InputArtifacts', (i) => {
    field('InputArtifacts', 'inputArtifacts', [i]);
  });
  const files: string[] = [];
  action.outputArtifacts = readArtifacts(
    r,
    r.get(declaration, 'OutputArtifacts'),
    field('OutputArtifacts', 'outputArtifacts'),
    'OutputArtifacts',
    (i) => {
      field('OutputArtifacts', 'outputArtifacts', [i]);
    },
    files,
  );
  // A Commands action names the files of its output artifact on the artifact (`Files`); providers read `files`.
  if (files.length > 0) action.configuration.files = files;

  const commands = r.get(declaration, 'Commands');
  if (commands !== undefined) {
    action.commands = r.stringList(commands, field('Commands', 'commands'), 'Commands');
    action.commands?.forEach((_, i) => field('Commands', 'commands', [i]));
  }
  const outputVariables = r.get(declaration, 'OutputVariables');
  if (outputVariables !== undefined) action.outputVariables = r.stringList(outputVariables, field('OutputVariables', 'outputVariables'), 'OutputVariables');
  const env = r.get(declaration, 'EnvironmentVariables');
  if (env !== undefined) {
    action.environmentVariables = readEnvironment(r, env, field('EnvironmentVariables', 'environmentVariables'), (i) => {
      field('EnvironmentVariables', 'environmentVariables', [i]);
    });
  }
  for (const key of ['namespace', 'timeoutInMinutes', 'commands', 'outputVariables', 'environmentVariables'] as const) {
    if (action[key] === undefined) delete action[key];
  }
  return { action, trace };
}

function readConfiguration(r: DeclarationReader, value: unknown, path: Path, traceKey: (key: string) => void): Record<string, ConfigValue> {
  if (value === undefined || value === null) return {};
  const map = r.map(value, path, '`Configuration`');
  const out: Record<string, ConfigValue> = {};
  for (const [key, item] of Object.entries(map ?? {})) {
    traceKey(key);
    if (item === UNRESOLVED) continue;
    if (typeof item === 'string') out[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
    else if (item === null) r.report(r.at([...path, key]), `configuration \`${key}\` has no value`, 'give it a value or remove the key');
    else
      r.report(
        r.at([...path, key]),
        `configuration \`${key}\` must be a string`,
        'CodePipeline configuration values are strings: write lists and objects as JSON text',
      );
  }
  return out;
}

function readArtifacts(r: DeclarationReader, value: unknown, path: Path, what: string, traceItem: (i: number) => void, files?: string[]): string[] {
  if (value === undefined || value === null) return [];
  const items = r.list(value, path, `\`${what}\``, `write \`${r.key(what)}: [{ ${r.key('Name')}: artifact }]\``) ?? [];
  const names: string[] = [];
  items.forEach((item, i) => {
    const itemPath = [...path, i];
    if (typeof item === 'string') {
      r.report(r.at(itemPath), `each item of \`${what}\` must be a mapping with \`${r.key('Name')}\``, `write \`- ${r.key('Name')}: ${item}\``);
      return;
    }
    const artifact = r.map(item, itemPath, `each item of \`${what}\``);
    if (!artifact) return;
    r.checkKeys(artifact, itemPath, files ? ['Name', 'Files'] : ['Name'], 'an artifact');
    const listed = files ? r.get(artifact, 'Files') : undefined;
    if (files && listed !== undefined) files.push(...(r.stringList(listed, [...itemPath, r.key('Files')], 'Files') ?? []));
    const name = r.string(r.required(artifact, 'Name', itemPath, 'an artifact'), [...itemPath, r.key('Name')], 'the artifact name');
    if (name !== undefined) {
      traceItem(i);
      names.push(name);
    }
  });
  return names;
}

function readEnvironment(r: DeclarationReader, value: unknown, path: Path, traceItem: (i: number) => void): EnvironmentVariable[] {
  const items = r.list(value, path, '`EnvironmentVariables`') ?? [];
  const out: EnvironmentVariable[] = [];
  items.forEach((item, i) => {
    const itemPath = [...path, i];
    const variable = r.map(item, itemPath, 'an environment variable');
    if (!variable) return;
    r.checkKeys(variable, itemPath, ['Name', 'Value', 'Type'], 'an environment variable');
    traceItem(i);
    const name = r.string(r.required(variable, 'Name', itemPath, 'an environment variable'), [...itemPath, r.key('Name')], 'Name');
    const text = r.string(r.required(variable, 'Value', itemPath, 'an environment variable'), [...itemPath, r.key('Value')], 'Value');
    const rawType = r.get(variable, 'Type');
    const type = rawType === undefined ? 'PLAINTEXT' : r.oneOf(rawType, [...itemPath, r.key('Type')], 'Type', ENV_TYPES);
    if (name !== undefined && text !== undefined && type !== undefined) out.push({ name, value: text, type });
  });
  return out;
}
