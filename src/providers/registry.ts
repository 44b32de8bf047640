import { MeridianError } from '../domain/errors.js';
import type { Provider } from './provider.js';

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

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
