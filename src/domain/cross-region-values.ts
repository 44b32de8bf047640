/**
 * Residency guards what an agent reads; this guards what it writes into another region's
 * code. An action's output variables are set by the agent that ran it, so an agent of one
 * region could put shell code into a value that an action of another region substitutes into
 * its `commands`, to run there with that region's secrets. A value that crosses regions into a
 * command may therefore hold only characters no shell interprets; any other value reaches
 * the command through an environment variable, where it is data (docs/security.md).
 */
import type { Action, Pipeline } from './pipeline.js';
import { referencedNamespaces, type VariableScope } from './variables.js';

/** Characters a POSIX shell gives no meaning to, unquoted: image tags, digests, ARNs, URLs, versions. */
const SHELL_INERT = /^[A-Za-z0-9_.:/@%+=,~-]*$/;

/**
 * Why `action`, running in `region`, may not run as resolved: a reference in its commands to
 * an output variable that an action of another region produced, whose value is not shell-inert.
 * Undefined when every such value is inert.
 */
export function crossRegionCommandProblem(definition: Pipeline, action: Action, region: string, scope: VariableScope): string | undefined {
  const producers = new Map<string, string>();
  for (const stage of definition.stages) for (const declared of stage.actions) if (declared.namespace) producers.set(declared.namespace, declared.region);
  for (const [index, command] of (action.commands ?? []).entries()) {
    for (const { namespace, name } of referencedNamespaces(command)) {
      const from = producers.get(namespace);
      const value = scope[namespace]?.[name];
      if (from === undefined || from === region || value === undefined || SHELL_INERT.test(value)) continue;
      return (
        `command ${index + 1} of ${action.name} (region ${region}) substitutes #{${namespace}.${name}}, an output variable set in region ${from}, ` +
        `and its value holds characters a shell interprets; pass it as an environment variable instead ` +
        `(env: { VALUE: '#{${namespace}.${name}}' }, then "$VALUE" in the command)`
      );
    }
  }
  return undefined;
}
