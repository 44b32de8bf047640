/**
 * When a template is not valid YAML there is no document to resolve, but the text still
 * tells a lot. The usual cause in hand-edited templates is a parameter whose name line
 * was lost (see parameters.ts): its `Type:` then sits directly under `Parameters:`, a
 * following line is over-indented, and some `!Ref NAME` names a parameter declared
 * nowhere. We scan the text for those references and suggest the missing name.
 */
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import type { Locator } from '../../lib/yaml/locator.js';
import { PARAMETER_PROPERTIES } from './parameters.js';

/** Does the broken text look like a CloudFormation template? */
export function looksLikeTemplate(text: string): boolean {
  return /^Resources\s*:/m.test(text) || text.includes('AWS::CodePipeline::Pipeline') || /^AWSTemplateFormatVersion\s*:/m.test(text);
}

/**
 * Problems for references to undeclared names, and the syntax problems with the
 * lost-name hint added when one of them lies in the `Parameters` section.
 */
export function brokenTemplateProblems(text: string, locator: Locator, syntaxProblems: readonly Problem[]): Problem[] {
  const declared = new Set([...text.matchAll(/^[ \t]*(?:-[ \t]+)?["']?([A-Za-z0-9]+)["']?[ \t]*:/gm)].map((m) => m[1]!));
  const references = [...text.matchAll(/(?:!Ref[ \t]+|\bRef["']?[ \t]*:[ \t]*)["']?([A-Za-z0-9:]+)/g)]
    .map((m) => ({ name: m[1]!, offset: m.index, written: m[0] }))
    .filter((ref) => !ref.name.startsWith('AWS::') && !declared.has(ref.name));
  const undeclared = [...new Set(references.map((ref) => ref.name))];
  const section = parametersSection(text);
  const lost = section?.property === undefined || undeclared.length === 0 ? undefined : section.property;
  const hint = lost
    ? `the parameter name seems to be missing: did you mean ${undeclared.map((n) => `\`${n}:\``).join(' or ')} above \`${lost.key}:\` (line ${lost.line})?`
    : undefined;

  const out: Problem[] = syntaxProblems.map((p) =>
    hint && section && p.location.line >= section.firstLine && p.location.line <= section.lastLine ? { ...p, hint } : p,
  );
  for (const ref of references) {
    out.push(
      problem(
        locator.ofOffset(ref.offset),
        `\`${ref.written.trim()}\` refers to \`${ref.name}\`, which is declared nowhere in this file`,
        hint ?? `declare \`${ref.name}\` under \`Parameters\` (with a Type), or refer to the logical id of a resource`,
      ),
    );
  }
  return out;
}

interface ParametersText {
  firstLine: number;
  lastLine: number;
  /** The first entry of the section whose key is a parameter property, e.g. `Type:`. */
  property?: { key: string; line: number };
}

function parametersSection(text: string): ParametersText | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^Parameters[ \t]*:[ \t]*(#.*)?$/.test(line));
  if (start < 0) return undefined;
  let end = lines.length - 1;
  let childIndent: number | undefined;
  let property: ParametersText['property'];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      end = i - 1;
      break;
    }
    childIndent ??= indent;
    const key = /^[ \t]*([A-Za-z0-9]+)[ \t]*:/.exec(line)?.[1];
    if (indent === childIndent && key && !property && (PARAMETER_PROPERTIES as readonly string[]).includes(key)) property = { key, line: i + 1 };
  }
  return { firstLine: start + 1, lastLine: end + 1, ...(property ? { property } : {}) };
}
