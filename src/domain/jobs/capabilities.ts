/**
 * What the engine asks of the providers when an attempt's holder is gone: may its action run
 * again? The provider registry answers it; the engine never sees a provider.
 */
export interface CapabilityLookup {
  /** The provider registered for an action type key (`Category/Owner/Provider`), if any. */
  find(key: string): { capabilities: { idempotent: boolean } } | undefined;
}
