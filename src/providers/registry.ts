import { MeridianError } from '../domain/errors.js';
import { actionTypeKey, type Action } from '../domain/pipeline.js';
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

  /** What the action's provider finds wrong with its configuration; nothing for an unknown type (a rule reports those). */
  checkConfiguration(action: Action): ConfigProblem[] {
    return this.find(actionTypeKey(action.type))?.validate?.(action) ?? [];
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
