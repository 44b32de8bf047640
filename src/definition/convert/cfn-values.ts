/**
 * Values in an exported CloudFormation template: Meridian's `#{parameters.NAME}` becomes
 * `!Ref NAME` (the whole value) or `!Sub` (inside text), which `meridian import` reads back
 * as the same `#{parameters.NAME}`. Configuration values become the strings CodePipeline
 * wants. Tagged values are yaml Scalars carrying their tag, so the writer prints `!Ref X`.
 */
import { Scalar } from 'yaml';
import type { ConfigValue } from '../../domain/pipeline.js';

const PARAMETER = /#\{parameters\.([A-Za-z0-9]+)\}/g;
const WHOLE = /^#\{parameters\.([A-Za-z0-9]+)\}$/;

export function tagged(tag: '!Ref' | '!Sub' | '!GetAtt', value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.tag = tag;
  return scalar;
}

/** A string with parameter references as `!Ref` / `!Sub`, or the string itself. */
export function cfnText(text: string): string | Scalar {
  const whole = WHOLE.exec(text);
  if (whole) return tagged('!Ref', whole[1]!);
  if (!PARAMETER.test(text)) return text;
  PARAMETER.lastIndex = 0;
  // `${X}` in the text itself is literal for !Sub: escape it as `${!X}`.
  const escaped = text.replace(/\$\{/g, '${!');
  return tagged(
    '!Sub',
    escaped.replace(PARAMETER, (_m, name: string) => `\${${name}}`),
  );
}

/** Any value, with every string converted by cfnText (resource properties keep their shapes). */
export function cfnValue(value: ConfigValue): unknown {
  if (typeof value === 'string') return cfnText(value);
  if (Array.isArray(value)) return value.map(cfnValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cfnValue(v)]));
  return value;
}

/** A configuration value as CodePipeline wants it: text (lists comma-separated, maps as JSON). */
export function configText(key: string, value: ConfigValue): string | Scalar {
  if (typeof value === 'string') return cfnText(value);
  if (Array.isArray(value) && key === 'Capabilities') return value.map(String).join(',');
  if (value !== null && typeof value === 'object') return cfnText(JSON.stringify(value));
  return String(value);
}

/** The parameters a value refers to. */
export function referencedParameters(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') for (const match of value.matchAll(PARAMETER)) into.add(match[1]!);
  else if (Array.isArray(value)) value.forEach((item) => referencedParameters(item, into));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => referencedParameters(item, into));
}

/** `EuWest1` for `eu-west-1`: a logical-id part. */
export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
