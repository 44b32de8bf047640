/**
 * Parses a definition file (YAML or JSON: JSON is YAML) into a Document that keeps every
 * node's position, and turns syntax errors into Problems at their line and column.
 */
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import { intrinsicTags, SHORT_FORMS } from './intrinsic-tags.js';
import { problem } from '../problems.js';
import { listWords } from '../suggest.js';
import { Locator } from './locator.js';

export interface ParsedYaml {
  doc: Document;
  locator: Locator;
  text: string;
  /** Syntax errors; when non-empty the document cannot be trusted. */
  syntaxProblems: Problem[];
  /** Warnings that do not stop compilation (e.g. an unknown tag). */
  warnings: Problem[];
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, customTags: intrinsicTags, prettyErrors: true, uniqueKeys: true });
  const locator = new Locator(file, text, lineCounter, doc.errors.length === 0 ? doc : undefined);
  const syntaxProblems: Problem[] = [];
  const seenLines = new Set<number>();
  for (const error of doc.errors) {
    const converted = toProblem(error, locator);
    // One wrong indentation often yields several errors on the same line; the first says it best.
    if (seenLines.has(converted.location.line)) continue;
    seenLines.add(converted.location.line);
    syntaxProblems.push(converted);
  }
  const warnings = doc.warnings.map((warning) => toProblem(warning, locator));
  return { doc, locator, text, syntaxProblems, warnings };
}

function toProblem(error: YAMLError, locator: Locator): Problem {
  const location = error.linePos ? { file: locator.file, ...error.linePos[0] } : locator.ofOffset(error.pos[0]);
  const firstLine = error.message.split('\n')[0] ?? error.message;
  const text = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  if (error.code === 'TAG_RESOLVE_FAILED') {
    const tag = /Unresolved tag: (\S+)/.exec(text)?.[1] ?? 'this tag';
    return problem(location, `unknown tag ${tag}`, `the tags Meridian reads are ${listWords([...SHORT_FORMS.keys()])}`);
  }
  const prefix = error.name === 'YAMLWarning' ? 'YAML warning' : 'YAML syntax error';
  const line = locator.text.split(/\r?\n/)[location.line - 1] ?? '';
  // `[bundle-${region}]`: braces end a flow collection early unless the value is quoted.
  if (line.includes('${') && /[[{]/.test(line.replace('${', ''))) {
    return problem(location, `${prefix}: ${text}`, 'inside `[...]` or `{...}`, quote values that contain `${...}`, e.g. ["bundle-${region}"]');
  }
  return problem(location, `${prefix}: ${text}`, HINTS[error.code] ?? 'fix the YAML at this position');
}

const HINTS: Partial<Record<YAMLError['code'], string>> = {
  BLOCK_AS_IMPLICIT_KEY: 'a line is indented deeper than the key before it: align it with its siblings, or move the value of the key above onto its own lines',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line: check the indentation of the lines around it',
  BAD_INDENT: 'check the indentation: siblings must start in the same column',
  DUPLICATE_KEY: 'a key may appear only once in a mapping: remove or rename one of them',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  UNEXPECTED_TOKEN: 'remove or quote the unexpected character',
  MULTIPLE_DOCS: 'a definition file holds one YAML document: remove the extra `---`',
};
