import path from 'node:path';
import type { Pipeline } from '../domain/pipeline.js';
import { loadDefinition } from '../definition/load-definition.js';
import type { LocalMeridian } from './local-meridian.js';

/** Loads a definition with what the state dir knows: exports for `!ImportValue`, the provider types. */
export async function loadForRun(meridian: LocalMeridian, file: string, pipelineName: string | undefined): Promise<Pipeline> {
  const options: Parameters<typeof loadDefinition>[1] = {
    exports: await meridian.exports.all(),
    knownActionTypes: meridian.registry.types(),
  };
  if (pipelineName !== undefined) options.pipelineName = pipelineName;
  return loadDefinition(path.resolve(file), options);
}
