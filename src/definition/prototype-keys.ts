/**
 * `__proto__` as a key (a region, a source, a variable, a configuration key...) is
 * refused where it is written, in every format. Read into a JavaScript object it is not an
 * ordinary name: assigning it replaces the object's prototype, so the entry silently
 * vanished and the values it held leaked into lookups of other names. Keeping it safely
 * would take every map of the model, the state stores and the API; no Meridian or
 * CodePipeline name needs it.
 */
import { isScalar, visit, type Document, type Node } from 'yaml';
import type { Problem } from '../domain/errors.js';
import { problem } from '../lib/problems.js';
import type { Locator } from '../lib/yaml/locator.js';

const RESERVED = '__proto__';

export function prototypeKeyProblems(doc: Document, locator: Locator): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Pair: (_key, pair) => {
      const key = pair.key as Node | null;
      if (!isScalar(key) || key.value !== RESERVED) return;
      problems.push(
        problem(
          locator.ofNode(key),
          `\`${RESERVED}\` cannot be a name: Meridian refuses this key rather than keep it, since in JavaScript it would replace an object's prototype`,
          'rename it, e.g. `proto`: any other name works for a region, source, variable, parameter or configuration key',
        ),
      );
    },
  });
  return problems;
}
