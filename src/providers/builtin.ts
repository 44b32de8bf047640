/** The providers that ship with Meridian, registered the way a third-party provider would be. */
import { cloudFormationProvider } from './cloudformation/index.js';
import { codeBuildProvider } from './codebuild/index.js';
import { commandsProvider } from './commands/index.js';
import { gitSourceProvider } from './git-source/index.js';
import { manualApprovalProvider } from './manual-approval/index.js';
import { noopProvider } from './noop/index.js';
import type { ProviderRegistry } from './registry.js';
import { releaseProvider } from './release/index.js';

export const BUILTIN_PROVIDERS = [
  gitSourceProvider,
  commandsProvider,
  codeBuildProvider,
  manualApprovalProvider,
  noopProvider,
  releaseProvider,
  cloudFormationProvider,
] as const;

export function registerBuiltinProviders(registry: ProviderRegistry): ProviderRegistry {
  for (const provider of BUILTIN_PROVIDERS) registry.register(provider);
  return registry;
}
