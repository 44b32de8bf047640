/**
 * Name syntax, as CodePipeline enforces it: pipeline, stage and action names 1–100 of
 * `[A-Za-z0-9.@-_]`; artifact names 1–100 of `[A-Za-z0-9_-]` (no dots or spaces);
 * namespaces 1–100 of `[A-Za-z0-9@-_]`; pipeline variables 1–128 of `[A-Za-z0-9@-_]`.
 */
import type { Problem } from '../../domain/errors.js';
import type { SourceLocation } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import type { Rule } from './rule.js';

interface NameKind {
  what: string;
  pattern: RegExp;
  max: number;
  chars: string;
}

const NAME: NameKind = { what: 'name', pattern: /^[A-Za-z0-9.@_-]+$/, max: 100, chars: 'letters, digits, `.`, `@`, `-` and `_`' };
const ARTIFACT: NameKind = { what: 'artifact name', pattern: /^[A-Za-z0-9_-]+$/, max: 100, chars: 'letters, digits, `_` and `-` (no dots or spaces)' };
const NAMESPACE: NameKind = { what: 'namespace', pattern: /^[A-Za-z0-9@_-]+$/, max: 100, chars: 'letters, digits, `@`, `-` and `_`' };
const VARIABLE: NameKind = { what: 'variable name', pattern: /^[A-Za-z0-9@_-]+$/, max: 128, chars: 'letters, digits, `@`, `-` and `_`' };

export const nameFormat: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const check = (kind: NameKind, subject: string, name: string, at: SourceLocation): void => {
    if (name.includes('#{')) {
      // A `#{parameters.X}` from `!Ref` is only known when an execution starts; names are needed before.
      problems.push(
        problem(
          at,
          `${subject} \`${name}\` is not valid: a name cannot use a #{...} reference`,
          'write the name directly (a parameter is only known when an execution starts)',
        ),
      );
      return;
    }
    const found = invalid(kind, name);
    if (found) problems.push(problem(at, `${subject} \`${name}\` is not valid: ${found}`, suggestion(kind, name)));
  };
  check(NAME, 'pipeline name', pipeline.name, locate.pipeline('name'));
  pipeline.variables.forEach((variable) => check(VARIABLE, 'variable name', variable.name, locate.pipeline(`variables.${variable.name}`)));
  pipeline.stages.forEach((stage, s) => {
    check(NAME, 'stage name', stage.name, locate.stage(s, 'name'));
    stage.actions.forEach((action, a) => {
      check(NAME, 'action name', action.name, locate.action(s, a, 'name'));
      action.inputArtifacts.forEach((artifact, k) => check(ARTIFACT, 'artifact name', artifact, locate.action(s, a, `inputArtifacts.${k}`)));
      action.outputArtifacts.forEach((artifact, k) => check(ARTIFACT, 'artifact name', artifact, locate.action(s, a, `outputArtifacts.${k}`)));
      if (action.namespace !== undefined) check(NAMESPACE, 'namespace', action.namespace, locate.action(s, a, 'namespace'));
    });
  });
  return problems;
};

function invalid(kind: NameKind, name: string): string | undefined {
  const article = /^[aeiou]/.test(kind.what) ? 'an' : 'a';
  if (name.length === 0) return `${article} ${kind.what} must not be empty`;
  if (name.length > kind.max) return `${article} ${kind.what} has at most ${kind.max} characters (this one has ${name.length})`;
  if (!kind.pattern.test(name)) return `${article} ${kind.what} may only contain ${kind.chars}`;
  return undefined;
}

function suggestion(kind: NameKind, name: string): string | undefined {
  const cleaned = name
    .split('')
    .map((char) => (kind.pattern.test(char) ? char : '-'))
    .join('')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, kind.max);
  return cleaned.length > 0 && cleaned !== name ? `for example \`${cleaned}\`` : undefined;
}
