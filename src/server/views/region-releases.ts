/**
 * Per region of a pipeline: the release that is live there — the newest execution in which
 * every action that changes the region succeeded — with its commit, the digests of the
 * artifacts those actions consumed, when and by which execution; and the region's health,
 * judged by the newest execution that touched it: its changing actions all succeeded (health
 * checks included), one failed, or they still run. An action changes its region when its
 * windows gate it (Deploy, Invoke, Compute: domain/region-windows) and it produces no
 * artifact: a Commands action with outputs builds something, it does not deploy it.
 */
import type { Pipeline } from '../../domain/pipeline.js';
import { isGatedByWindows } from '../../domain/region-windows.js';
import { regionActionOutcomes, stageOutputVariables } from '../../stores/state/action-records.js';
import { artifacts as artifactsOf } from '../../stores/state/artifact-records.js';
import type { Db } from '../../stores/state/db.js';
import { recentExecutionIds } from '../../stores/state/execution-records.js';
import type { RegionRelease } from './view-types.js';

/** How many of the newest executions are searched for a region's live release. */
const SEARCH = 200;

type Row = Awaited<ReturnType<typeof regionActionOutcomes>>[number];

export async function regionReleases(db: Db, pipeline: Pipeline): Promise<RegionRelease[]> {
  const recent = await recentExecutionIds(db, pipeline.name, SEARCH);
  const order = new Map(recent.map((id, index) => [id, index]));
  const result: RegionRelease[] = [];
  for (const region of pipeline.regions) {
    const actions = pipeline.stages.flatMap((stage) => stage.actions).filter((a) => a.region === region.name);
    const changers = actions.filter((a) => isGatedByWindows(a) && (a.type.category === 'Deploy' || a.outputArtifacts.length === 0));
    const changing = new Set(changers.map((a) => a.name));
    const consumed = new Set(changers.flatMap((a) => a.inputArtifacts));
    const rows =
      recent.length === 0 || changing.size === 0 ? [] : await regionActionOutcomes(db, { executionIds: recent, region: region.name, actions: [...changing] });
    const byExecution = groupBy(rows, (row) => row.executionId);
    const newestFirst = [...byExecution.entries()].sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0));
    const touched = newestFirst.find(([, list]) => list.some((row) => row.status !== 'Pending' && row.status !== 'Skipped'));
    const live = newestFirst.find(([, list]) => list.length > 0 && list.every((row) => row.status === 'Succeeded'));
    result.push({
      name: region.name,
      timezone: region.timezone,
      release: live ? await describeRelease(db, live[0], live[1], consumed) : null,
      health: judgeHealth(touched),
    });
  }
  return result;
}

async function describeRelease(db: Db, executionId: string, rows: Row[], consumed: Set<string>): Promise<NonNullable<RegionRelease['release']>> {
  const artifacts = await artifactsOf(db, executionId);
  const sources = await stageOutputVariables(db, executionId, 0);
  const commitId = sources.map((outputs) => outputs.CommitId).find((c) => c !== undefined) ?? null;
  return {
    executionId,
    at: latest(rows.map((r) => r.endedAt)),
    commitId,
    artifacts: artifacts.filter((a) => consumed.has(a.name)).map((a) => ({ name: a.name, digest: a.digest })),
  };
}

function judgeHealth(touched: [string, Row[]] | undefined): RegionRelease['health'] {
  if (!touched) return { state: 'unknown', executionId: null, at: null, detail: 'nothing was deployed to this region yet' };
  const [executionId, rows] = touched;
  const at = latest(rows.map((r) => r.endedAt));
  const failed = rows.find((r) => r.status === 'Failed' || r.status === 'Abandoned');
  if (failed) {
    const message = failed.error === null ? failed.status : ((failed.error as { message?: string }).message ?? failed.status);
    return { state: 'failing', executionId, at, detail: `${failed.name}: ${message}` };
  }
  if (rows.some((r) => r.status === 'InProgress' || r.status === 'Waiting' || r.status === 'Pending'))
    return { state: 'deploying', executionId, at: null, detail: null };
  if (rows.some((r) => r.status === 'Stopped')) return { state: 'stopped', executionId, at, detail: 'the last deployment was stopped' };
  return { state: 'healthy', executionId, at, detail: 'every deploy action succeeded, health checks included' };
}

function latest(values: Array<string | null>): string | null {
  return (
    values
      .filter((v): v is string => v !== null)
      .sort()
      .at(-1) ?? null
  );
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}
