/**
 * `uses:` short names and the friendly `with:` keys of the native format. Both compile to
 * what a CodePipeline definition says (`Deploy/AWS/CloudFormation` with `StackName`...),
 * so a provider reads one configuration whichever format the pipeline came from. Keys
 * without an alias (already in CodePipeline's spelling, or provider-specific) pass through.
 */
import type { ActionCategory, ActionOwner, ActionTypeId, ConfigValue } from '../../domain/pipeline.js';
import { actionTypeKey } from '../../domain/pipeline.js';
import { ACTION_CATEGORIES, ACTION_OWNERS } from '../codepipeline/compile-action.js';
import { didYouMean, listWords } from '../../lib/suggest.js';

export const SHORT_NAMES: Readonly<Record<string, ActionTypeId>> = {
  commands: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
  approval: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
  codebuild: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  cloudformation: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
  git: { category: 'Source', owner: 'Meridian', provider: 'Git', version: '1' },
  // No aliases: its `with:` keys (target, mode, hooks, healthCheck...) are its own names.
  release: { category: 'Deploy', owner: 'Meridian', provider: 'Release', version: '1' },
};

const ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'Deploy/AWS/CloudFormation': {
    mode: 'ActionMode',
    stack: 'StackName',
    changeSet: 'ChangeSetName',
    template: 'TemplatePath',
    capabilities: 'Capabilities',
    parameters: 'ParameterOverrides',
    roleArn: 'RoleArn',
    outputFile: 'OutputFileName',
    templateConfiguration: 'TemplateConfiguration',
  },
  'Build/AWS/CodeBuild': { project: 'ProjectName', primarySource: 'PrimarySource', buildspec: 'BuildSpec' },
  'Approval/AWS/Manual': { message: 'CustomData', link: 'ExternalEntityLink', notify: 'NotificationArn' },
  'Source/Meridian/Git': { git: 'Repository', repository: 'Repository', branch: 'Branch' },
};

export type UsesResult = { type: ActionTypeId } | { message: string; hint: string };

export function resolveUses(uses: string): UsesResult {
  if (!uses.includes('/')) {
    const known = SHORT_NAMES[uses];
    if (known) return { type: { ...known } };
    const names = Object.keys(SHORT_NAMES);
    return { message: `unknown action type \`${uses}\``, hint: didYouMean(uses, names) ?? `use ${listWords(names)}, or Category/Owner/Provider` };
  }
  const [typePart = '', version = '1'] = uses.split('@');
  const parts = typePart.split('/');
  const [category = '', owner = '', provider = ''] = parts;
  const shape = 'write Category/Owner/Provider[@version], e.g. Deploy/AWS/CloudFormation';
  if (parts.length !== 3 || provider === '' || version === '') return { message: `\`${uses}\` is not an action type`, hint: shape };
  if (!(ACTION_CATEGORIES as readonly string[]).includes(category)) {
    return { message: `unknown action category \`${category}\``, hint: didYouMean(category, ACTION_CATEGORIES) ?? `use ${listWords(ACTION_CATEGORIES)}` };
  }
  if (!(ACTION_OWNERS as readonly string[]).includes(owner)) {
    return { message: `unknown action owner \`${owner}\``, hint: didYouMean(owner, ACTION_OWNERS) ?? `use ${listWords(ACTION_OWNERS)}` };
  }
  return { type: { category: category as ActionCategory, owner: owner as ActionOwner, provider, version } };
}

export interface MappedConfiguration {
  configuration: Record<string, ConfigValue>;
  /** Configuration key -> the `with:` key it was written as (for positions). */
  writtenAs: Record<string, string>;
  /** `with:` keys given twice (an alias and its CodePipeline spelling). */
  duplicates: Array<{ key: string; other: string }>;
}

export function mapConfiguration(type: ActionTypeId, given: Record<string, ConfigValue> | undefined): MappedConfiguration {
  const aliases = ALIASES[actionTypeKey(type)] ?? {};
  const result: MappedConfiguration = { configuration: {}, writtenAs: {}, duplicates: [] };
  for (const [key, value] of Object.entries(given ?? {})) {
    const target = aliases[key] ?? key;
    const earlier = result.writtenAs[target];
    if (earlier !== undefined) {
      result.duplicates.push({ key, other: earlier });
      continue;
    }
    result.writtenAs[target] = key;
    result.configuration[target] = convert(target, value);
  }
  return result;
}

/** CodePipeline wants these as text: a comma-separated list and a JSON object. */
function convert(target: string, value: ConfigValue): ConfigValue {
  if (target === 'Capabilities' && Array.isArray(value)) return value.map(String).join(',');
  if (target === 'ParameterOverrides' && typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value;
}

/** The short name of a type (`cloudformation`), or `Category/Owner/Provider[@version]`. */
export function usesOf(type: ActionTypeId): string {
  const short = Object.entries(SHORT_NAMES).find(([, known]) => actionTypeKey(known) === actionTypeKey(type) && known.version === type.version);
  if (short) return short[0];
  return `${actionTypeKey(type)}${type.version === '1' ? '' : `@${type.version}`}`;
}

/** The friendly `with:` key for a CodePipeline configuration key of this type (the last alias), or the key itself. */
export function friendlyKey(type: ActionTypeId, key: string): string {
  const aliases = Object.entries(ALIASES[actionTypeKey(type)] ?? {}).filter(([, target]) => target === key);
  return aliases[aliases.length - 1]?.[0] ?? key;
}

/** Every `with:` key that sets CodePipeline configuration key `key` of this type: its aliases, then the key itself. */
export function withKeysOf(type: ActionTypeId, key: string): string[] {
  const aliases = Object.entries(ALIASES[actionTypeKey(type)] ?? {}).filter(([, target]) => target === key);
  return [...aliases.map(([alias]) => alias), key];
}
