import { MeridianError } from '../domain/errors.js';
import { actionTypeKey, type Action } from '../domain/pipeline.js';
import { configProblems, type ConfigSchema } from './config-schema.js';
import type { ConfigProblem, Provider } from './provider.js';

/** Maps action type keys (`Category/Owner/Provider`) to providers. */
export class ProviderRegistry {
  private readonly byType = new Map<string, Provider>();

  register(provider: Provider): this {
    for (const type of provider.types) {
      if (this.byType.has(type)) throw new MeridianError('INTERNAL', `two providers registered for ${type}`);
      this.byType.set(type, provider);
    }
    return this;
  }

  find(type: string): Provider | undefined {
    return this.byType.get(type);
  }

  get(type: string): Provider {
    const provider = this.byType.get(type);
    if (!provider) {
      throw new MeridianError('DEFINITION_INVALID', `unknown action type ${type}; known types: ${this.types().join(', ')}`);
    }
    return provider;
  }

  /**
   * What the action's provider finds wrong with its configuration: its schema's check
   * (config-schema.ts: unknown keys, types), then its own for every key the schema said
   * nothing of. Nothing for an unknown type (a rule reports those).
   */
  checkConfiguration(action: Action): ConfigProblem[] {
    const key = actionTypeKey(action.type);
    const provider = this.find(key);
    const own = provider?.validate?.(action) ?? [];
    const schema = provider?.configuration?.[key];
    if (!schema) return own;
    const strict = configProblems(schema, action.configuration, `the configuration of ${action.name}`);
    const reported = new Set(strict.map((problem) => problem.field));
    return [...strict, ...own.filter((problem) => !reported.has(problem.field))];
  }

  /** The output variables an action sets, when its provider knows them before it runs. */
  outputVariablesOf(action: Action): readonly string[] | undefined {
    return this.find(actionTypeKey(action.type))?.outputVariables?.(action);
  }

  /** The configuration schema of an action type, when its provider has one. */
  schemaOf(type: string): ConfigSchema | undefined {
    return this.find(type)?.configuration?.[type];
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
