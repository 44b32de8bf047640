/**
 * Checks a template the way CloudFormation's validation would before any API call, so
 * that a broken template fails with its file, line and column instead of a remote
 * `ValidationError` without a location. Only what CloudFormation is known to reject is
 * checked: YAML/JSON syntax, a missing `Resources`, and `Parameters` entries that are not
 * objects with a `Type` (the seed's lost parameter name, docs/aws-behaviour.md §6).
 */
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import { duplicateKeyErrors } from '../../lib/yaml/duplicate-keys.js';
import { intrinsicTags } from '../../lib/yaml/intrinsic-tags.js';
import { MeridianError } from '../../domain/errors.js';

export interface StackTemplate {
  /** Sent as is: CloudFormation parses the text itself. */
  body: string;
  parameterNames: Set<string>;
}

/** `where` names the file as the user wrote it, e.g. `src::infra/template.yaml`. */
export function checkTemplate(body: string, where: string, context: string): StackTemplate {
  const lineCounter = new LineCounter();
  // Duplicate keys in one pass (duplicate-keys.ts): the library's own check is quadratic in a mapping's keys.
  const doc = parseDocument(body, { customTags: intrinsicTags, lineCounter, uniqueKeys: false });
  const duplicates = duplicateKeyErrors(doc);
  if (duplicates.length > 0) doc.errors = [...doc.errors, ...duplicates].sort((a, b) => a.pos[0] - b.pos[0]);
  const formatError = (message: string, node?: Node | null, offset?: number): MeridianError => {
    const at = offset ?? node?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(at);
    return new MeridianError('ACTION_FAILED', `${where}:${line}:${col}: Template format error: ${message} (${context})`, {
      fault: 'user',
      details: { file: where, line, col },
    });
  };
  const [syntax] = doc.errors;
  if (syntax) throw formatError(syntax.message.split('\n')[0] ?? syntax.message, undefined, syntax.pos[0]);
  const root = doc.contents;
  if (!isMap(root)) throw formatError('the template must be a mapping (a JSON object)', root);

  const resources = root.get('Resources', true);
  if (!isMap(resources) || resources.items.length === 0) {
    throw formatError('At least one Resources member must be defined.', isMap(resources) || isScalar(resources) ? resources : root);
  }

  const parameterNames = new Set<string>();
  const parameters = root.get('Parameters', true);
  if (parameters !== undefined && parameters !== null) {
    if (!isMap(parameters)) throw formatError('Parameters must be a mapping of parameter names to parameter objects', parameters);
    for (const pair of parameters.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const key = isScalar(pair.key) ? pair.key : null;
      if (!isMap(pair.value)) {
        throw formatError(
          `Any Parameters member must be a JSON object; parameter ${name} is not. Is a parameter name missing above ${name}:? ` +
            `Write Parameters: { MyName: { Type: String } }`,
          key,
        );
      }
      if (!pair.value.has('Type')) throw formatError(`Every Parameters object must contain a Type member; parameter ${name} has none.`, key);
      parameterNames.add(name);
    }
  }
  return { body, parameterNames };
}
