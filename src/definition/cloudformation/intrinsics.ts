/**
 * The intrinsic functions themselves. Each one evaluates its arguments through the host
 * (the Resolver), so nested functions (`!Join ['-', [!Ref A, !ImportValue B]]`) work and
 * problems keep their positions.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { SourceLocation } from '../../domain/pipeline.js';
import { didYouMean } from '../../lib/suggest.js';
import { NO_VALUE, UNRESOLVED, containsUnresolved, type Value } from '../values.js';
import { mapGet, mapEntries } from '../yaml/nodes.js';
import { SHORT_FORMS } from '../../lib/yaml/intrinsic-tags.js';
import type { ResolveScope } from './scope.js';
import { parseSub } from './sub.js';

type Resolved = Value | typeof NO_VALUE;

export interface IntrinsicHost {
  readonly scope: ResolveScope;
  value(node: Node | null | undefined): Resolved;
  content(node: Node | null | undefined): Resolved;
  at(node: Node | null | undefined): SourceLocation;
  report(location: SourceLocation, message: string, hint?: string): typeof UNRESOLVED;
  /** Something the machine's state lacks, not the definition: a warning, the value stands in. */
  warn(location: SourceLocation, message: string, hint?: string): void;
  ref(name: string, location: SourceLocation, shown: string): Resolved;
  getAtt(id: string, attribute: string, location: SourceLocation, shown: string): Resolved;
}

export interface IntrinsicCall {
  /** Long-form name: `Ref`, `Fn::Sub`... */
  fn: string;
  /** The argument node; for a short form, the tagged node itself. */
  argument: Node | null;
  at: Node;
  /** How the user wrote it, for messages: `!Sub` or `Fn::Sub`. */
  shown: string;
  shortForm: boolean;
}

const CONDITIONS = new Set(['Fn::If', 'Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Condition']);
const KNOWN = new Set(SHORT_FORMS.values());

export function callIntrinsic(host: IntrinsicHost, call: IntrinsicCall): Resolved {
  const where = host.at(call.at);
  switch (call.fn) {
    case 'Ref': {
      const name = scalarText(call.argument);
      if (name === undefined) return host.report(where, `${call.shown} needs the name of a parameter or resource`, `write \`!Ref NAME\``);
      return host.ref(name, where, `\`${call.shown} ${name}\``);
    }
    case 'Fn::GetAtt':
      return getAtt(host, call, where);
    case 'Fn::ImportValue': {
      const name = argument(host, call);
      if (name === UNRESOLVED) return UNRESOLVED;
      if (typeof name !== 'string') return host.report(where, `${call.shown} needs the name of an export`, 'write `!ImportValue EXPORT_NAME`');
      const value = host.scope.exports[name];
      if (value !== undefined) return value;
      const hint = `add it with \`meridian exports set ${name} VALUE\``;
      if (host.scope.missingExports !== 'warn') return host.report(where, `export ${name} is not defined`, hint);
      host.warn(where, `export ${name} is not set on this machine`, `${hint} before \`meridian run\` or \`meridian serve\``);
      return name;
    }
    case 'Fn::Sub':
      return sub(host, call, where);
    case 'Fn::Join':
      return join(host, call, where);
    case 'Fn::Select':
      return select(host, call, where);
    case 'Fn::Split': {
      const [separator, source] = stringArgs(host, call, 2);
      if (separator === UNRESOLVED || source === UNRESOLVED) return UNRESOLVED;
      if (separator === undefined || source === undefined)
        return host.report(where, `${call.shown} needs [separator, string]`, "write `!Split [',', 'a,b,c']`");
      if (source.includes('#{'))
        return host.report(where, `${call.shown} cannot split a value that is only known when an execution starts`, 'write the list directly');
      return source.split(separator);
    }
    case 'Fn::FindInMap':
      return findInMap(host, call, where);
    case 'Fn::Base64': {
      const text = argument(host, call);
      if (text === UNRESOLVED) return UNRESOLVED;
      if (typeof text !== 'string') return host.report(where, `${call.shown} needs a string`);
      if (text.includes('#{'))
        return host.report(where, `${call.shown} cannot encode a value that is only known when an execution starts`, 'write the encoded value directly');
      return Buffer.from(text, 'utf8').toString('base64');
    }
    case 'Fn::GetAZs':
      return host.report(where, `${call.shown} is not supported: Meridian has no availability zones`, 'write the zone names as a list');
    default:
      if (CONDITIONS.has(call.fn)) {
        return host.report(
          where,
          `${call.shown} is not supported: Meridian does not evaluate CloudFormation conditions`,
          'write the value that applies to this pipeline directly',
        );
      }
      if (KNOWN.has(call.fn)) return host.report(where, `${call.shown} is not supported by Meridian`, 'write the value directly');
      return host.report(where, `unknown intrinsic function ${call.fn}`, didYouMean(call.fn, KNOWN) ?? 'see the CloudFormation intrinsic function reference');
  }
}

function argument(host: IntrinsicHost, call: IntrinsicCall): Resolved {
  return call.shortForm ? host.content(call.argument) : host.value(call.argument);
}

/** The items of a list argument: `!Join [a, b]` or `Fn::Join: [a, b]`. */
function items(call: IntrinsicCall): Array<Node | null> | undefined {
  const node = call.argument;
  if (!isSeq(node) || (!call.shortForm && node.tag !== undefined)) return undefined;
  return node.items as Array<Node | null>;
}

function stringArgs(host: IntrinsicHost, call: IntrinsicCall, count: number): Array<string | typeof UNRESOLVED | undefined> {
  const nodes = items(call);
  if (!nodes || nodes.length !== count) return Array.from({ length: count }, () => undefined);
  return nodes.map((node) => {
    const value = host.value(node);
    if (value === UNRESOLVED) return UNRESOLVED;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  });
}

function scalarText(node: Node | null): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function getAtt(host: IntrinsicHost, call: IntrinsicCall, where: SourceLocation): Resolved {
  const text = scalarText(call.argument);
  const usage = 'write `!GetAtt Resource.Attribute` or `!GetAtt [Resource, Attribute]`';
  if (text !== undefined) {
    const dot = text.indexOf('.');
    if (dot <= 0) return host.report(where, `${call.shown} needs Resource.Attribute, not \`${text}\``, usage);
    return host.getAtt(text.slice(0, dot), text.slice(dot + 1), where, `\`${call.shown} ${text}\``);
  }
  const [id, attribute] = stringArgs(host, call, 2);
  if (id === UNRESOLVED || attribute === UNRESOLVED) return UNRESOLVED;
  if (id === undefined || attribute === undefined) return host.report(where, `${call.shown} needs Resource.Attribute`, usage);
  return host.getAtt(id, attribute, where, `\`${call.shown} ${id}.${attribute}\``);
}

function sub(host: IntrinsicHost, call: IntrinsicCall, where: SourceLocation): Resolved {
  const list = items(call);
  const textNode = list ? list[0] : call.argument;
  const text = scalarText(textNode ?? null);
  if (text === undefined || (list && list.length !== 2)) {
    return host.report(where, `${call.shown} needs a string, or [string, {NAME: value}]`, "write `!Sub 'arn:${AWS::Partition}:...'`");
  }
  const variables = new Map<string, Resolved>();
  const mapNode = list?.[1];
  if (list) {
    if (!isMap(mapNode)) return host.report(host.at(mapNode), `the second item of ${call.shown} must be a mapping of variable names to values`);
    for (const { key, value } of mapEntries(mapNode)) variables.set(key, host.value(value));
  }
  let out = '';
  let failed = false;
  for (const part of parseSub(text)) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const location = placeholderLocation(host, textNode ?? null, part.raw) ?? where;
    const shown = `\`${part.raw}\``;
    const name = part.variable;
    const dot = name.indexOf('.');
    const value = variables.has(name)
      ? variables.get(name)
      : dot > 0 && !name.startsWith('AWS::')
        ? host.getAtt(name.slice(0, dot), name.slice(dot + 1), location, shown)
        : host.ref(name, location, shown);
    if (value === UNRESOLVED || containsUnresolved(value)) failed = true;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out += String(value);
    else failed = host.report(location, `${shown} does not resolve to a string`) === UNRESOLVED;
  }
  return failed ? UNRESOLVED : out;
}

/** The exact position of `${X}` inside the Sub string, when the source text shows it. */
function placeholderLocation(host: IntrinsicHost, node: Node | null, raw: string): SourceLocation | undefined {
  const range = node?.range;
  if (!range) return undefined;
  const offset = host.scope.locator.text.indexOf(raw, range[0]);
  return offset >= 0 && offset < range[1] ? host.scope.locator.ofOffset(offset) : undefined;
}

function join(host: IntrinsicHost, call: IntrinsicCall, where: SourceLocation): Resolved {
  const list = items(call);
  const usage = "write `!Join ['-', [a, b, c]]`";
  if (!list || list.length !== 2) return host.report(where, `${call.shown} needs [separator, [values...]]`, usage);
  const separator = host.value(list[0]);
  const values = host.value(list[1]);
  if (separator === UNRESOLVED || containsUnresolved(values)) return UNRESOLVED;
  if (typeof separator !== 'string') return host.report(host.at(list[0]), `the separator of ${call.shown} must be a string`, usage);
  if (!Array.isArray(values)) return host.report(host.at(list[1]), `the second item of ${call.shown} must be a list`, usage);
  const strings: string[] = [];
  for (const value of values) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') strings.push(String(value));
    else return host.report(host.at(list[1]), `${call.shown} can only join strings`, usage);
  }
  return strings.join(separator);
}

function select(host: IntrinsicHost, call: IntrinsicCall, where: SourceLocation): Resolved {
  const list = items(call);
  const usage = 'write `!Select [0, [a, b]]`';
  if (!list || list.length !== 2) return host.report(where, `${call.shown} needs [index, [values...]]`, usage);
  const index = host.value(list[0]);
  const values = host.value(list[1]);
  if (index === UNRESOLVED || values === UNRESOLVED) return UNRESOLVED;
  const position = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : Number.NaN;
  if (!Number.isInteger(position) || position < 0) return host.report(host.at(list[0]), `the index of ${call.shown} must be a whole number`, usage);
  if (!Array.isArray(values)) return host.report(host.at(list[1]), `the second item of ${call.shown} must be a list`, usage);
  const chosen = values[position];
  if (chosen === undefined) return host.report(host.at(list[0]), `${call.shown} index ${position} is out of range: the list has ${values.length} items`);
  return chosen;
}

function findInMap(host: IntrinsicHost, call: IntrinsicCall, where: SourceLocation): Resolved {
  const keys = stringArgs(host, call, 3);
  if (keys.includes(UNRESOLVED)) return UNRESOLVED;
  const [mapName, top, second] = keys as Array<string | undefined>;
  if (mapName === undefined || top === undefined || second === undefined) {
    return host.report(where, `${call.shown} needs [MapName, TopLevelKey, SecondLevelKey]`);
  }
  let node: Node | null | undefined = host.scope.mappings;
  for (const key of [mapName, top, second]) {
    const next = mapGet(node, key);
    if (next === undefined) {
      const known = isMap(node) ? mapEntries(node).map((entry) => entry.key) : [];
      return host.report(where, `${call.shown}: \`${key}\` is not in Mappings${key === mapName ? '' : `.${mapName}`}`, didYouMean(key, known));
    }
    node = next;
  }
  return host.value(node);
}
