/**
 * The template's `Parameters` section. Each parameter must be a mapping with a supported
 * `Type` (CloudFormation rejects the template otherwise, with "Template format error").
 *
 * A common accident keeps the YAML valid but loses a parameter's name line:
 *
 *     Parameters:
 *       Type: AWS::SSM::Parameter::Value<String>   # was under `EuBucket:`
 *       Default: /Environment/EU/SourceCodeStorage
 *
 * Its entries then look like parameters named `Type` and `Default`. We report each stray
 * entry and, when some `!Ref` names a parameter that is declared nowhere, suggest that
 * name as the missing line.
 */
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import type { SourceLocation, TemplateParameterType } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { Locator } from '../../lib/yaml/locator.js';
import { mapEntries, plainString } from '../yaml/nodes.js';

export interface ParameterDeclaration {
  name: string;
  type: TemplateParameterType;
  default?: string;
  /** `NoEcho: true`: the value is a secret (domain/secret-fields.ts). */
  noEcho?: true;
  location: SourceLocation;
}

/** An entry of `Parameters` that is not a mapping. */
export interface StrayParameterEntry {
  key: string;
  location: SourceLocation;
  /** The key is a parameter property (`Type`, `Default`...): the name line above it was lost. */
  isProperty: boolean;
}

export interface ParametersSection {
  declared: Map<string, ParameterDeclaration>;
  stray: StrayParameterEntry[];
  problems: Problem[];
}

export const PARAMETER_PROPERTIES = [
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MaxLength',
  'MinLength',
  'MaxValue',
  'MinValue',
  'NoEcho',
] as const;

export function readParameters(section: Node | null | undefined, locator: Locator): ParametersSection {
  const result: ParametersSection = { declared: new Map(), stray: [], problems: [] };
  if (section === undefined || section === null) return result;
  if (!isMap(section)) {
    result.problems.push(problem(locator.ofNode(section), '`Parameters` must be a mapping of parameter names to declarations'));
    return result;
  }
  for (const { key, keyNode, value } of mapEntries(section)) {
    const location = locator.ofNode(keyNode);
    if (!isMap(value)) {
      result.stray.push({ key, location, isProperty: (PARAMETER_PROPERTIES as readonly string[]).includes(key) });
      continue;
    }
    const declaration = readDeclaration(key, value, location, locator, result.problems);
    if (declaration) result.declared.set(key, declaration);
  }
  return result;
}

function readDeclaration(name: string, node: YAMLMap, location: SourceLocation, locator: Locator, problems: Problem[]): ParameterDeclaration | undefined {
  let typeText: string | undefined;
  let defaultText: string | undefined;
  let noEcho = false;
  for (const { key, keyNode, value } of mapEntries(node)) {
    if (key === 'Type') typeText = plainString(value);
    else if (key === 'Default') defaultText = plainString(value);
    // CloudFormation takes `true` and `'true'` alike.
    else if (key === 'NoEcho') noEcho = isScalar(value) && String(value.value).toLowerCase() === 'true';
    else if (!(PARAMETER_PROPERTIES as readonly string[]).includes(key)) {
      const hint = didYouMean(key, PARAMETER_PROPERTIES) ?? `a parameter may have ${listWords(PARAMETER_PROPERTIES)}`;
      problems.push(problem(locator.ofNode(keyNode), `Invalid template parameter property '${key}'`, hint));
    }
  }
  if (typeText === undefined) {
    problems.push(
      problem(location, `parameter ${name} has no Type (every parameter must contain a Type member)`, 'add `Type: String` (or the type you meant) under it'),
    );
    return undefined;
  }
  const type = parameterType(typeText);
  if (type === undefined) {
    problems.push(
      problem(location, `Unrecognized parameter type: ${typeText}`, 'use String, Number, CommaDelimitedList, List<...>, or AWS::SSM::Parameter::Value<String>'),
    );
    return undefined;
  }
  if (type === 'SSM' && defaultText === undefined) {
    problems.push(
      problem(
        location,
        `parameter ${name} reads the parameter store but has no Default`,
        'set `Default:` to the parameter-store name, e.g. `/Environment/EU/Bucket`',
      ),
    );
    return undefined;
  }
  return { name, type, ...(defaultText === undefined ? {} : { default: defaultText }), ...(noEcho ? { noEcho: true as const } : {}), location };
}

function parameterType(text: string): TemplateParameterType | undefined {
  if (text.startsWith('AWS::SSM::Parameter::Value<')) return 'SSM';
  if (text === 'String' || text === 'AWS::SSM::Parameter::Name' || /^AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+$/.test(text)) return 'String';
  if (text === 'Number') return 'Number';
  if (text === 'CommaDelimitedList' || text.startsWith('List<')) return 'CommaDelimitedList';
  return undefined;
}

/**
 * Problems for stray entries. `undeclared` are names some reference uses but nothing
 * declares, in document order: the likely lost parameter names.
 */
export function strayParameterProblems(stray: readonly StrayParameterEntry[], undeclared: readonly string[]): Problem[] {
  const lost = lostNameHint(stray, undeclared);
  return stray.map((entry) => {
    const message = `Parameters.${entry.key} is not a parameter declaration (a parameter must be a mapping with a Type)`;
    if (!entry.isProperty) {
      return problem(entry.location, message, `write \`${entry.key}:\` with \`Type:\` and \`Default:\` indented under it`);
    }
    if (entry === firstProperty(stray) && lost) return problem(entry.location, message, lost);
    return problem(entry.location, message, `\`${entry.key}:\` belongs indented under a parameter's name`);
  });
}

/** "the parameter name seems to be missing: did you mean `X:` above `Type:`?" when the shape fits. */
export function lostNameHint(stray: readonly StrayParameterEntry[], undeclared: readonly string[]): string | undefined {
  const first = firstProperty(stray);
  if (!first || undeclared.length === 0) return undefined;
  const names = undeclared.map((name) => `\`${name}:\``).join(' or ');
  return `the parameter name seems to be missing: did you mean ${names} above \`${first.key}:\` (line ${first.location.line})?`;
}

function firstProperty(stray: readonly StrayParameterEntry[]): StrayParameterEntry | undefined {
  return stray.find((entry) => entry.isProperty);
}
