/**
 * The native `rollout:` -> the model's Rollout (waves of declared regions, each region in
 * one wave, every region of a forEach in some wave), and each action's `expectedDuration`.
 */
import type { Problem } from '../../domain/errors.js';
import type { Region, Rollout, RolloutCheck, Stage } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { Locator } from '../../lib/yaml/locator.js';
import { substituteRegion, unknownValueProblem, variableNotHereProblem, variableReferenceIn } from './region-substitution.js';
import type { NativeDefinition } from './schema.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `10m`, `1.5h`, `2d` in milliseconds (the schema checked the shape). */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  if (!match) return 0;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

export function compileRollout(
  definition: NativeDefinition,
  regions: readonly Region[],
  regionValues: Record<string, Record<string, string>>,
  ctx: { locator: Locator; problems: Problem[] },
): Rollout | undefined {
  const rollout = definition.rollout;
  if (rollout === undefined) return undefined;
  const names = regions.map((r) => r.name);
  const seen = new Map<string, number>();
  const waves: string[][] = [];
  rollout.waves.forEach((wave, w) => {
    const kept: string[] = [];
    wave.forEach((name, k) => {
      const at = ctx.locator.at(['rollout', 'waves', w, k]);
      if (!names.includes(name)) {
        ctx.problems.push(
          problem(at, `region ${name} is not declared under \`regions:\``, didYouMean(name, names) ?? `declared regions: ${listWords(names, 'and')}`),
        );
        return;
      }
      const earlier = seen.get(name);
      if (earlier !== undefined) {
        ctx.problems.push(problem(at, `region ${name} is already in wave ${earlier + 1}`, 'put each region in one wave'));
        return;
      }
      seen.set(name, w);
      kept.push(name);
    });
    waves.push(kept);
  });
  const missing = names.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    ctx.problems.push(
      problem(
        ctx.locator.keyAt(['rollout', 'waves']),
        `${listWords(missing, 'and')} ${missing.length === 1 ? 'is' : 'are'} in no wave`,
        `add ${missing.length === 1 ? 'it' : 'them'} to a wave, e.g. [${missing.join(', ')}] as the last wave`,
      ),
    );
  }
  const checks: RolloutCheck[] = (rollout.checks ?? []).map((check) =>
    'http' in check ? { kind: 'http', url: check.http } : { kind: 'command', command: check.command },
  );
  const compiled: Rollout = {
    waves,
    bakeMs: rollout.bake === undefined ? 0 : durationMs(rollout.bake),
    checks,
    regionChecks: regionChecks(checks, regions, regionValues, ctx),
    rollback: rollout.rollback ?? 'region',
    location: ctx.locator.keyAt(['rollout']),
  };
  if (rollout.maxParallel !== undefined) compiled.maxParallel = rollout.maxParallel;
  return compiled;
}

/**
 * Copies each entry's `expectedDuration` onto the actions it expanded into: entry by entry,
 * one action per region of a forEach stage (expand-stage.ts keeps that order).
 */
export function applyExpectedDurations(definition: NativeDefinition, stages: Stage[], regions: readonly Region[]): void {
  const offset = stages.length - definition.stages.length;
  definition.stages.forEach((stageDefinition, i) => {
    const stage = stages[i + offset];
    if (!stage) return;
    const copies = stageDefinition.forEach === undefined ? 1 : stageDefinition.forEach === 'region' ? regions.length : stageDefinition.forEach.length;
    let k = 0;
    for (const entry of stageDefinition.actions) {
      for (let c = 0; c < copies; c++, k++) {
        const action = stage.actions[k];
        if (action && entry.expectedDuration !== undefined) action.expectedDurationMs = durationMs(entry.expectedDuration);
      }
    }
  });
}

/** Each region's checks, substituted; a `${region.KEY}` some region has no value for is a problem at its check. */
function regionChecks(
  checks: RolloutCheck[],
  regions: readonly Region[],
  regionValues: Record<string, Record<string, string>>,
  ctx: { locator: Locator; problems: Problem[] },
): Record<string, RolloutCheck[]> {
  const byRegion: Record<string, RolloutCheck[]> = {};
  const missing = checks.map(() => new Map<string, string[]>());
  for (const region of regions) {
    const values = regionValues[region.name] ?? {};
    byRegion[region.name] = checks.map((check, i): RolloutCheck => {
      const unknown = new Set<string>();
      const sub = (text: string): string => substituteRegion(text, region, values, unknown);
      const done: RolloutCheck = check.kind === 'http' ? { kind: 'http', url: sub(check.url) } : { kind: 'command', command: sub(check.command) };
      for (const key of unknown) missing[i]?.set(key, [...(missing[i]?.get(key) ?? []), region.name]);
      return done;
    });
  }
  const known = [...new Set(regions.flatMap((r) => Object.keys(regionValues[r.name] ?? {})))];
  missing.forEach((keys, i) => {
    const at = ctx.locator.at(['rollout', 'checks', i]);
    for (const [key, without] of keys) ctx.problems.push(unknownValueProblem(at, key, without, known, ', so this check could not be run there'));
  });
  // A `#{...}` written in the check or brought by a region's value would be sent as written.
  checks.forEach((_, i) => {
    const reference = regions
      .map((r) => byRegion[r.name]?.[i])
      .map((c) => (c === undefined ? undefined : variableReferenceIn(checkText(c))))
      .find(Boolean);
    if (reference !== undefined) ctx.problems.push(variableNotHereProblem(ctx.locator.at(['rollout', 'checks', i]), reference, 'a rollout check'));
  });
  return byRegion;
}

function checkText(check: RolloutCheck): string {
  return check.kind === 'http' ? check.url : check.command;
}
