/**
 * Reading and writing the templates `meridian package` rewrites. A YAML template is edited
 * in place as a YAML Document, so short-form tags (`!Ref`, `!Sub`, `!GetAtt`...), comments
 * and key order come out as they went in. JSON output, and YAML output of a JSON template,
 * are written from plain data with the tags in their long form (`{"Fn::GetAtt": [A, B]}`),
 * as the AWS CLI's yamlhelper converts them.
 */
import fs from 'node:fs/promises';
import { Document, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import { MeridianError } from '../domain/errors.js';
import { SHORT_FORMS } from '../lib/yaml/intrinsic-tags.js';
import { parseYaml } from '../lib/yaml/parse-yaml.js';
import type { Locator } from '../lib/yaml/locator.js';
import type { Problem } from '../domain/errors.js';

export interface TemplateFile {
  file: string;
  doc: Document;
  locator: Locator;
  /** Written as JSON: the CLI parses JSON first and writes YAML unless `--use-json`. */
  json: boolean;
}

export type OutputFormat = 'yaml' | 'json';

/** Parses a template, or returns its syntax problems. */
export async function readTemplate(file: string): Promise<TemplateFile | Problem[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new MeridianError('BAD_INPUT', `cannot read the template ${file}: ${(cause as Error).message}`, { cause });
  }
  const parsed = parseYaml(text, file);
  if (parsed.syntaxProblems.length > 0) return parsed.syntaxProblems;
  return { file, doc: parsed.doc, locator: parsed.locator, json: text.trimStart().startsWith('{') };
}

export function renderTemplate(template: TemplateFile, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(toLongForm(template.doc, template.doc.contents), null, 4)}\n`;
  if (!template.json) return template.doc.toString({ lineWidth: 0 });
  return new Document(toLongForm(template.doc, template.doc.contents)).toString({ lineWidth: 0 });
}

/** Plain data with every short-form tag turned into its long form. */
function toLongForm(doc: Document, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toLongForm(doc, node.resolve(doc));
  if (!isScalar(node) && !isMap(node) && !isSeq(node)) return null;
  let value: unknown;
  if (isScalar(node)) {
    value = node.value;
  } else if (isSeq(node)) {
    value = node.items.map((item) => toLongForm(doc, item));
  } else {
    const object: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = toLongForm(doc, pair.key);
      object[String(key)] = toLongForm(doc, pair.value);
    }
    value = object;
  }
  const longName = node.tag === undefined ? undefined : SHORT_FORMS.get(node.tag);
  if (longName === undefined) return value;
  // `!GetAtt Resource.Attribute` is `{"Fn::GetAtt": ["Resource", "Attribute"]}` (split at the first dot).
  if (longName === 'Fn::GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
  }
  return { [longName]: value };
}
