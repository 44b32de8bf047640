/**
 * `#{Namespace.Variable}` references (CodePipeline's variable syntax), resolved just before an
 * action starts. The scope maps a namespace to its variables: an action's namespace to its
 * output variables, plus `codepipeline`, `variables` and `parameters`.
 */
import type { Action, ConfigValue, EnvironmentVariable } from './pipeline.js';

export type VariableScope = Record<string, Record<string, string>>;

const REFERENCE = /#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_.-]+)\}/g;

export interface Resolution<T> {
  value: T;
  /** `Namespace.Variable` references that the scope does not hold. */
  missing: string[];
}

export function resolveString(text: string, scope: VariableScope, missing: string[]): string {
  return text.replace(REFERENCE, (whole, namespace: string, name: string) => {
    const value = scope[namespace]?.[name];
    if (value === undefined) {
      missing.push(`${namespace}.${name}`);
      return whole;
    }
    return value;
  });
}

export function resolveValue(value: ConfigValue, scope: VariableScope, missing: string[]): ConfigValue {
  if (typeof value === 'string') return resolveString(value, scope, missing);
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, scope, missing));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveValue(item, scope, missing)]));
  }
  return value;
}

/** The action with every reference in its configuration, commands and environment resolved. */
export function resolveAction(action: Action, scope: VariableScope): Resolution<Action> {
  const missing: string[] = [];
  const configuration = Object.fromEntries(Object.entries(action.configuration).map(([key, value]) => [key, resolveValue(value, scope, missing)]));
  const resolved: Action = { ...action, configuration };
  if (action.commands) resolved.commands = action.commands.map((command) => resolveString(command, scope, missing));
  if (action.environmentVariables) {
    resolved.environmentVariables = action.environmentVariables.map((variable): EnvironmentVariable => ({
      ...variable,
      value: resolveString(variable.value, scope, missing),
    }));
  }
  return { value: resolved, missing: [...new Set(missing)] };
}

/** Namespaces referenced anywhere in a string (for validation). */
export function referencedNamespaces(text: string): Array<{ namespace: string; name: string; index: number }> {
  return [...text.matchAll(REFERENCE)].map((match) => ({ namespace: match[1] ?? '', name: match[2] ?? '', index: match.index }));
}
