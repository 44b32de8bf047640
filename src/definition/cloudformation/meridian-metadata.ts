/**
 * `Metadata: { Meridian: ... }` on a pipeline resource: what Meridian knows about the
 * pipeline that CodePipeline has no place for. CloudFormation ignores it; `meridian export`
 * writes it so that `meridian import` (and Meridian running the template) gets it back.
 *
 *     Metadata:
 *       Meridian:
 *         HomeRegion: eu-west-1                 # where the pipeline lives (read by the compiler)
 *         Regions:
 *           eu-west-1: { TimeZone: Europe/Dublin, Values: { code: eu }, Windows: { allow: ... } }
 *         Windows: { policy: disruptive-only, allow: "Mon-Fri 01:00-05:00" }   # native `windows:`
 *         Rollout: { waves: [[eu-west-1], [us-east-1]], bake: 30m }             # native `rollout:`
 *         ExpectedDurations: { Deploy: { eu-west-1-deploy: 10m } }              # per stage and action
 *         RunsOn: { Build: { build: [gpu] } }                                   # native `runsOn`, per stage and action
 *         Lanes: { Deploy: region }                                             # native `lanes:`, per stage
 *         OnLaneFailure: { Deploy: continue }                                   # native `onLaneFailure:`, per stage
 *
 * `Lanes` and `OnLaneFailure` are two keys, each by stage name, as the native format has two
 * stage keys (lane-metadata.ts reads them): `region | stage` and `stop | continue`.
 *
 * Everything but `Values` is in the model, so the compiler reads it, with the native
 * format's own rules and messages (at the positions inside the metadata): Meridian runs an
 * exported template with the same windows and rollout as the native file. `Values` (the
 * region values of `${region.KEY}`) matter to `meridian import` and to rollout checks.
 */
import { isMap, type Node } from 'yaml';
import { z } from 'zod';
import type { Problem } from '../../domain/errors.js';
import { AGENT_LABEL, type Region, type Rollout, type Stage, type WindowPolicy } from '../../domain/pipeline.js';
import { compileRollout, durationMs } from '../native/rollout.js';
import type { NativeDefinition } from '../native/schema.js';
import { compileWindows } from '../native/windows.js';
import { regionWindowsSchema, rolloutSchema, windowsSchema } from '../native/windows-schema.js';
import { zodProblems } from '../native/zod-problems.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { Locator, Path, PathSegment } from '../../lib/yaml/locator.js';
import { mapEntries, mapGet, plainString } from '../yaml/nodes.js';

const META_KEYS = ['HomeRegion', 'Regions', 'Windows', 'Rollout', 'ExpectedDurations', 'RunsOn', 'Lanes', 'OnLaneFailure'];
const REGION_KEYS = ['TimeZone', 'Values', 'Windows'];

export function meridianMetadata(resourceNode: Node | null | undefined): Node | null | undefined {
  return mapGet(mapGet(resourceNode, 'Metadata'), 'Meridian');
}

/** Sets each region's time zone from the metadata; reports unknown keys, regions and zones. */
export function applyRegionMetadata(resourceNode: Node | null | undefined, regions: Region[], locator: Locator): Problem[] {
  const meta = meridianMetadata(resourceNode);
  const problems: Problem[] = [];
  if (!isMap(meta)) return problems;
  for (const { key, keyNode } of mapEntries(meta)) {
    if (!META_KEYS.includes(key))
      problems.push(
        problem(
          locator.ofNode(keyNode),
          `unknown key \`${key}\` in Metadata.Meridian`,
          didYouMean(key, META_KEYS) ?? `Metadata.Meridian may have ${listWords(META_KEYS)}`,
        ),
      );
  }
  const section = mapGet(meta, 'Regions');
  if (!isMap(section)) return problems;
  for (const { key: name, keyNode, value } of mapEntries(section)) {
    const region = regions.find((r) => r.name === name);
    if (!region) {
      const names = regions.map((r) => r.name);
      problems.push(
        problem(
          locator.ofNode(keyNode),
          `Metadata.Meridian.Regions names ${name}, which has no artifact store`,
          didYouMean(name, names) ?? `regions of this pipeline: ${listWords(names, 'and')}`,
        ),
      );
      continue;
    }
    if (!isMap(value)) continue;
    for (const entry of mapEntries(value)) {
      if (!REGION_KEYS.includes(entry.key))
        problems.push(
          problem(
            locator.ofNode(entry.keyNode),
            `unknown key \`${entry.key}\` in Metadata.Meridian.Regions.${name}`,
            didYouMean(entry.key, REGION_KEYS) ?? `a region may have ${listWords(REGION_KEYS)}`,
          ),
        );
    }
    const zoneNode = mapGet(value, 'TimeZone');
    const zone = plainString(zoneNode);
    if (zone === undefined) continue;
    if (!isTimeZone(zone)) {
      problems.push(
        problem(
          zoneNode ? locator.ofNode(zoneNode) : locator.ofNode(keyNode),
          `\`${zone}\` is not a time zone`,
          'use an IANA time zone name such as Europe/Dublin, America/New_York or UTC',
        ),
      );
      continue;
    }
    region.timezone = zone;
  }
  return problems;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Windows, rollout, expected durations and agent labels from the metadata, compiled as the
 * native format compiles them: `stages` get their `expectedDurationMs` and `agentLabels`,
 * `regions` their windows.
 */
export function applyWindowMetadata(
  resourceNode: Node | null | undefined,
  resourceId: string,
  pipeline: { regions: Region[]; stages: Stage[] },
  locator: Locator,
): { windowPolicy?: WindowPolicy; rollout?: Rollout; problems: Problem[] } {
  const problems: Problem[] = [];
  const meta = meridianMetadata(resourceNode);
  if (!isMap(meta)) return { problems };
  const base: Path = ['Resources', resourceId, 'Metadata', 'Meridian'];
  const view = rerooted(locator, base);
  const data = meta.toJSON() as Record<string, unknown>;
  const regions: Record<string, { timezone?: string; windows?: unknown }> = {};
  const regionData = isPlain(data.Regions) ? data.Regions : {};
  for (const region of pipeline.regions) {
    const entry = isPlain(regionData[region.name]) ? (regionData[region.name] as Record<string, unknown>) : {};
    regions[region.name] = {
      ...(typeof entry.TimeZone === 'string' ? { timezone: entry.TimeZone } : {}),
      ...(entry.Windows === undefined ? {} : { windows: entry.Windows }),
    };
  }
  const pseudo = { pipeline: '', stages: [], regions, windows: data.Windows, rollout: data.Rollout };
  const checked = metadataSchema.safeParse(pseudo);
  if (!checked.success) {
    problems.push(...zodProblems(checked.error.issues, metadataSchema, pseudo, view));
    return { problems };
  }
  const definition = checked.data as unknown as NativeDefinition;
  const out: { windowPolicy?: WindowPolicy; rollout?: Rollout; problems: Problem[] } = { problems };
  const policy = compileWindows(definition, pipeline.regions, { locator: view, problems });
  if (policy !== undefined) out.windowPolicy = policy;
  // A rollout check's `${region.KEY}` reads the region's Values, as a native check reads `values:`.
  const values = Object.fromEntries(
    pipeline.regions.map((region) => {
      const entry = isPlain(regionData[region.name]) ? (regionData[region.name] as Record<string, unknown>) : {};
      const written = isPlain(entry.Values) ? entry.Values : {};
      return [region.name, Object.fromEntries(Object.entries(written).map(([key, value]) => [key, String(value)]))];
    }),
  );
  const rollout = compileRollout(definition, pipeline.regions, values, { locator: view, problems });
  if (rollout !== undefined) out.rollout = rollout;
  const durations = isPlain(data.ExpectedDurations) ? data.ExpectedDurations : {};
  for (const [stageName, actions] of Object.entries(durations)) {
    const stage = pipeline.stages.find((s) => s.name === stageName);
    const at = locator.keyAt([...base, 'ExpectedDurations', stageName]);
    if (!stage || !isPlain(actions)) {
      problems.push(
        problem(
          at,
          `Metadata.Meridian.ExpectedDurations names stage ${stageName}, which this pipeline does not have`,
          didYouMean(
            stageName,
            pipeline.stages.map((s) => s.name),
          ),
        ),
      );
      continue;
    }
    for (const [actionName, text] of Object.entries(actions)) {
      const action = stage.actions.find((a) => a.name === actionName);
      const where = locator.at([...base, 'ExpectedDurations', stageName, actionName]);
      if (!action) {
        problems.push(
          problem(
            where,
            `stage ${stageName} has no action ${actionName}`,
            didYouMean(
              actionName,
              stage.actions.map((a) => a.name),
            ),
          ),
        );
        continue;
      }
      if (typeof text !== 'string' || durationMs(text) === 0) {
        problems.push(problem(where, 'an expected duration is a duration such as 90s, 10m or 1h'));
        continue;
      }
      action.expectedDurationMs = durationMs(text);
    }
  }
  applyRunsOn(data.RunsOn, [...base, 'RunsOn'], pipeline.stages, locator, problems);
  return out;
}

/** `RunsOn: { Stage: { action: [label, ...] } }`: the labels an agent needs to run each action. */
function applyRunsOn(data: unknown, base: Path, stages: Stage[], locator: Locator, problems: Problem[]): void {
  if (data === undefined) return;
  if (!isPlain(data)) {
    problems.push(
      problem(locator.at(base), 'Metadata.Meridian.RunsOn maps stage names to actions and their agent labels', 'write RunsOn: { Build: { build: [gpu] } }'),
    );
    return;
  }
  for (const [stageName, actions] of Object.entries(data)) {
    const stage = stages.find((s) => s.name === stageName);
    if (!stage || !isPlain(actions)) {
      problems.push(
        problem(
          locator.keyAt([...base, stageName]),
          `Metadata.Meridian.RunsOn names stage ${stageName}, which this pipeline does not have`,
          didYouMean(
            stageName,
            stages.map((s) => s.name),
          ),
        ),
      );
      continue;
    }
    for (const [actionName, labels] of Object.entries(actions)) {
      const action = stage.actions.find((a) => a.name === actionName);
      const where = locator.at([...base, stageName, actionName]);
      if (!action) {
        problems.push(
          problem(
            locator.keyAt([...base, stageName, actionName]),
            `stage ${stageName} has no action ${actionName}`,
            didYouMean(
              actionName,
              stage.actions.map((a) => a.name),
            ),
          ),
        );
        continue;
      }
      const list = typeof labels === 'string' ? [labels] : labels;
      if (!Array.isArray(list) || list.length === 0 || !list.every((l) => typeof l === 'string' && AGENT_LABEL.test(l))) {
        problems.push(problem(where, 'agent labels are a list of 1 to 100 letters, digits, `.`, `_` or `-` each', 'write [gpu] or [gpu, arm64]'));
        continue;
      }
      action.agentLabels = [...new Set(list as string[])].sort();
    }
  }
}

const metadataSchema = z.object({
  pipeline: z.string(),
  stages: z.array(z.never()),
  regions: z.record(z.string(), z.strictObject({ timezone: z.string().optional(), windows: regionWindowsSchema.optional() })),
  windows: windowsSchema.optional(),
  rollout: rolloutSchema.optional(),
});

/** The locator seen from the metadata: native paths (`windows`, `regions.R.windows`...) -> their place in the template. */
function rerooted(locator: Locator, base: Path): Locator {
  const names: Record<string, string> = { windows: 'Windows', rollout: 'Rollout', regions: 'Regions', timezone: 'TimeZone' };
  const map = (path: Path): Path => {
    const out: PathSegment[] = [...base];
    path.forEach((segment, i) => {
      const inRegion = path[0] === 'regions' && i === 2;
      out.push((i === 0 || inRegion) && typeof segment === 'string' ? (names[segment] ?? segment) : segment);
    });
    return out;
  };
  const view = Object.create(locator) as Locator;
  view.at = (path) => locator.at(map(path));
  view.keyAt = (path) => locator.keyAt(map(path));
  view.has = (path) => locator.has(map(path));
  return view;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
