/**
 * Where each artifact of a pipeline lives (issue 9, residency): an artifact is written to
 * the store of the region of the action that produces it, and before an action of another
 * region consumes it, it is replicated into that region's store; an action only ever reads
 * its own region's store. Pure: the caller passes the stores' locations (region -> folder or
 * `s3://…`, see stores/artifacts/store-locations.ts), which depend on the state dir.
 */
import type { Pipeline } from './pipeline.js';

export interface ArtifactReader {
  region: string;
  store: string | null;
  /** false for the producer's own region: its consumers read the store it was written to. */
  replicated: boolean;
  /** `Stage/action` of each consumer in this region, in pipeline order. */
  actions: string[];
}

export interface ArtifactPlacement {
  name: string;
  /** `Stage/action`. */
  producedBy: string;
  region: string;
  /** The location of the producer region's store; null when that region has none. */
  store: string | null;
  /** Each region whose actions consume the artifact, the producer's region first when it does. */
  readIn: ArtifactReader[];
}

export function artifactPlacement(pipeline: Pipeline, stores: Readonly<Record<string, string>>): ArtifactPlacement[] {
  const storeOf = (region: string): string | null => stores[region] ?? null;
  const actions = pipeline.stages.flatMap((stage) => stage.actions.map((action) => ({ id: `${stage.name}/${action.name}`, action })));
  const placements: ArtifactPlacement[] = [];
  for (const producer of actions) {
    for (const name of producer.action.outputArtifacts) {
      const region = producer.action.region;
      const readers = new Map<string, ArtifactReader>();
      for (const consumer of actions) {
        if (!consumer.action.inputArtifacts.includes(name)) continue;
        const where = consumer.action.region;
        const reader = readers.get(where) ?? { region: where, store: storeOf(where), replicated: where !== region, actions: [] };
        reader.actions.push(consumer.id);
        readers.set(where, reader);
      }
      const readIn = [...readers.values()].sort((a, b) => Number(a.replicated) - Number(b.replicated));
      placements.push({ name, producedBy: producer.id, region, store: storeOf(region), readIn });
    }
  }
  return placements;
}
