import path from 'node:path';
import type { Pipeline } from '../domain/pipeline.js';
import { loadDefinition, type LoadOptions } from '../definition/load-definition.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Meridian } from '../meridian.js';

/** What the providers check in a definition: their action types, and each one's configuration. */
export function providerChecks(registry: ProviderRegistry): Pick<LoadOptions, 'knownActionTypes' | 'checkAction' | 'outputVariablesOf'> {
  return {
    knownActionTypes: registry.types(),
    checkAction: (action) => registry.checkConfiguration(action),
    outputVariablesOf: (action) => registry.outputVariablesOf(action),
  };
}

/** Loads a definition with what the state dir knows: exports for `!ImportValue`, the providers' checks. */
export async function loadForRun(meridian: Meridian, file: string, pipelineName: string | undefined): Promise<Pipeline> {
  const options: LoadOptions = { exports: await meridian.exports.all(), ...providerChecks(meridian.registry) };
  if (pipelineName !== undefined) options.pipelineName = pipelineName;
  return loadDefinition(path.resolve(file), options);
}
