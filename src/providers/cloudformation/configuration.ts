/**
 * The configuration of `Deploy/AWS/CloudFormation`, checked and read once. Keys follow
 * CodePipeline's spelling; the native format's `with:` aliases are renamed before this.
 */
import { MeridianError } from '../../domain/errors.js';
import type { Action } from '../../domain/pipeline.js';
import { configList, configString, missingKeys } from '../config.js';
import type { ConfigProblem } from '../provider.js';

export const ACTION_MODES = ['CREATE_UPDATE', 'REPLACE_ON_FAILURE', 'DELETE_ONLY', 'CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE'] as const;
export type ActionMode = (typeof ACTION_MODES)[number];

const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];
/** Stack and change set names: a letter, then letters, digits and hyphens, at most 128 characters. */
const NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** `artifact::path/inside/it`, as `TemplatePath` and `TemplateConfiguration` write it. */
export interface ArtifactPath {
  artifact: string;
  path: string;
}

export interface StackActionConfig {
  mode: ActionMode;
  stackName: string;
  changeSetName?: string;
  templatePath?: ArtifactPath;
  templateConfiguration?: ArtifactPath;
  /** The JSON text; parsed at run time because it may name input artifacts. */
  parameterOverrides?: string;
  capabilities: string[];
  roleArn?: string;
  outputFileName?: string;
}

export function usesTemplate(mode: ActionMode): boolean {
  return mode === 'CREATE_UPDATE' || mode === 'REPLACE_ON_FAILURE' || mode === 'CHANGE_SET_REPLACE';
}

export function usesChangeSet(mode: ActionMode): boolean {
  return mode === 'CHANGE_SET_REPLACE' || mode === 'CHANGE_SET_EXECUTE';
}

export function parseArtifactPath(text: string): ArtifactPath | undefined {
  const at = text.indexOf('::');
  if (at <= 0 || at + 2 >= text.length) return undefined;
  return { artifact: text.slice(0, at), path: text.slice(at + 2) };
}

export function validateConfig(action: Action): ConfigProblem[] {
  const problems = missingKeys(action, ['ActionMode', 'StackName']);
  const mode = configString(action, 'ActionMode');
  if (mode !== undefined && !(ACTION_MODES as readonly string[]).includes(mode)) {
    problems.push({ field: 'ActionMode', message: `ActionMode ${mode} is not one CloudFormation knows`, hint: `use one of ${ACTION_MODES.join(', ')}` });
  }
  const stack = configString(action, 'StackName');
  if (stack !== undefined && !NAME.test(stack)) {
    problems.push({
      field: 'StackName',
      message: `StackName ${stack} is not a valid stack name`,
      hint: 'start with a letter; use letters, digits and hyphens, at most 128',
    });
  }
  const known = mode !== undefined && (ACTION_MODES as readonly string[]).includes(mode) ? (mode as ActionMode) : undefined;
  if (known !== undefined && usesChangeSet(known)) {
    problems.push(...missingKeys(action, ['ChangeSetName']));
    const changeSet = configString(action, 'ChangeSetName');
    if (changeSet !== undefined && !NAME.test(changeSet)) {
      problems.push({
        field: 'ChangeSetName',
        message: `ChangeSetName ${changeSet} is not a valid change set name`,
        hint: 'start with a letter; use letters, digits and hyphens',
      });
    }
  }
  if (known !== undefined && usesTemplate(known)) problems.push(...missingKeys(action, ['TemplatePath']));
  for (const key of ['TemplatePath', 'TemplateConfiguration']) {
    const text = configString(action, key);
    if (text !== undefined && parseArtifactPath(text) === undefined) {
      problems.push({ field: key, message: `${key} ${text} does not name an artifact and a file`, hint: `write ${key}: ArtifactName::path/to/file` });
    }
  }
  for (const capability of configList(action, 'Capabilities') ?? []) {
    if (!CAPABILITIES.includes(capability)) {
      problems.push({ field: 'Capabilities', message: `${capability} is not a CloudFormation capability`, hint: `use ${CAPABILITIES.join(', ')}` });
    }
  }
  if (configString(action, 'OutputFileName') !== undefined && action.outputArtifacts.length !== 1) {
    problems.push({
      field: 'OutputFileName',
      message: 'OutputFileName needs exactly one output artifact to write the file into',
      hint: 'declare one output artifact',
    });
  }
  return problems;
}

/** The checked configuration; throws ACTION_FAILED listing every problem at once. */
export function readConfig(action: Action): StackActionConfig {
  const problems = validateConfig(action);
  if (problems.length > 0) {
    throw new MeridianError('ACTION_FAILED', `${action.name} (${action.region}) is misconfigured: ${problems.map((p) => p.message).join('; ')}`, {
      fault: 'user',
      details: { problems },
    });
  }
  const text = (key: string): string | undefined => configString(action, key);
  const path = (key: string): ArtifactPath | undefined => {
    const value = text(key);
    return value === undefined ? undefined : parseArtifactPath(value);
  };
  return {
    mode: text('ActionMode') as ActionMode,
    stackName: text('StackName') ?? '',
    changeSetName: text('ChangeSetName'),
    templatePath: path('TemplatePath'),
    templateConfiguration: path('TemplateConfiguration'),
    parameterOverrides: overridesText(action),
    capabilities: configList(action, 'Capabilities') ?? [],
    roleArn: text('RoleArn'),
    outputFileName: text('OutputFileName'),
  };
}

/** A native definition may give ParameterOverrides as a mapping; CodePipeline gives a JSON string. */
function overridesText(action: Action): string | undefined {
  const value = action.configuration.ParameterOverrides;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return configString(action, 'ParameterOverrides');
}
