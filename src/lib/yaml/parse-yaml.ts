/**
 * Parses a definition file (YAML or JSON: JSON is YAML) into a Document that keeps every
 * node's position, and turns syntax errors into Problems at their line and column. Files
 * that nest too deeply or whose aliases expand too far (limits.ts) are problems too, at
 * the collection or alias that goes over the limit, before anything recurses or expands.
 */
import { Composer, Document, LineCounter, Parser, YAMLParseError, type CST, type Node, type YAMLError } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import { intrinsicTags, SHORT_FORMS } from './intrinsic-tags.js';
import { problem } from '../problems.js';
import { listWords } from '../suggest.js';
import { duplicateKeyErrors } from './duplicate-keys.js';
import { aliasExcess, MAX_ALIAS_VALUES, MAX_ALIASES, MAX_NESTING, tooDeepOffset, type AliasExcess } from './limits.js';
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
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const deep = tooDeepOffset(tokens);
  if (deep !== undefined) {
    const locator = new Locator(file, text, lineCounter);
    return { doc: new Document(null), locator, text, syntaxProblems: [tooDeepProblem(locator, deep)], warnings: [] };
  }
  const doc = compose(tokens, text);
  const excess = doc.errors.length === 0 ? aliasExcess(doc) : undefined;
  if (excess) {
    // Nothing may expand this document, not even a caller that reads it despite the problem.
    const locator = new Locator(file, text, lineCounter);
    return { doc: new Document(null), locator, text, syntaxProblems: [aliasProblem(locator, excess)], warnings: [] };
  }
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

/**
 * The plain data of a parsed document. parseYaml has measured its aliases, so the yaml
 * library's own guess at alias abuse (which refuses an anchor used more than 100 times)
 * is turned off.
 */
export function toData(doc: Document): unknown {
  return doc.toJS({ maxAliasCount: -1 }) as unknown;
}

/** As `parseDocument`, from tokens already parsed; errors keep their offsets (toProblem places them). */
function compose(tokens: CST.Token[], text: string): Document {
  // Duplicate keys are found by duplicateKeyErrors in one pass; the library's check is quadratic.
  const composer = new Composer({ customTags: intrinsicTags, uniqueKeys: false });
  let doc: Document | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          next.range.slice(0, 2) as [number, number],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(..., true) always yields a document, an empty one for an empty file.
  if (!doc) return new Document(null);
  const duplicates = duplicateKeyErrors(doc);
  if (duplicates.length > 0) doc.errors = [...doc.errors, ...duplicates].sort((a, b) => a.pos[0] - b.pos[0]);
  return doc;
}

function tooDeepProblem(locator: Locator, offset: number): Problem {
  return problem(
    locator.ofOffset(offset),
    `this value is nested more than ${MAX_NESTING} levels deep; Meridian reads at most ${MAX_NESTING} levels of mappings and lists`,
    'a definition needs a few levels: close the brackets (or reduce the indentation) that open here, or keep deep data in a file an action reads',
  );
}

function aliasProblem(locator: Locator, excess: AliasExcess): Problem {
  const at = locator.ofNode(excess.alias);
  const name = `*${(excess.alias as Node & { source: string }).source}`;
  const hint = 'write the values out instead of aliases of aliases, or give each anchor a small block that a few aliases repeat';
  switch (excess.kind) {
    case 'aliases':
      return problem(at, `alias ${name} is one alias too many: a file may hold at most ${MAX_ALIASES.toLocaleString('en-US')} aliases`, hint);
    case 'values':
      return problem(
        at,
        `alias ${name} makes the aliases of this file stand for more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values once expanded (each alias repeats its anchor's whole content)`,
        hint,
      );
    case 'nesting':
      return problem(at, `alias ${name} nests its anchor's content ${excess.depth} levels deep; Meridian reads at most ${MAX_NESTING} levels`, hint);
  }
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
