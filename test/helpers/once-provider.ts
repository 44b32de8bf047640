/**
 * A provider that is not safe to repeat (Deploy/Custom/Once; it succeeds at once) and an
 * action of it in eu-west-1: when an agent's lease on such an action runs out, the action
 * fails ("agent lost") instead of being handed on, so a lease expiry cannot go unseen.
 */
import type { Action } from '../../src/domain/pipeline.js';
import { ProviderRegistry } from '../../src/providers/registry.js';

/** `charge-card`, of the provider below, in eu-west-1, with no configuration or artifacts. */
export function chargeCardAction(): Action {
  return {
    name: 'charge-card',
    type: { category: 'Deploy', owner: 'Custom', provider: 'Once', version: '1' },
    runOrder: 1,
    region: 'eu-west-1',
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
  };
}

/** A registry of only the Deploy/Custom/Once provider, which declares itself not idempotent. */
export function onceProviderRegistry(): ProviderRegistry {
  return new ProviderRegistry().register({
    types: ['Deploy/Custom/Once'],
    capabilities: { idempotent: false, cancellable: false },
    run: () => Promise.resolve({}),
  });
}
