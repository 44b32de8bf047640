import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const regions = `regions:
  eu-west-1:      { timezone: Europe/Dublin }
  us-east-1:      { timezone: America/New_York }
  ap-southeast-2: { timezone: Australia/Sydney }
`;
const stages = `sources:
  src: { git: . }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["true"], expectedDuration: 20m }
`;

describe('native windows', () => {
  it('gives every region the pipeline windows in its own zone, with per-region overrides and deny reasons', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: w
regions:
  eu-west-1:      { timezone: Europe/Dublin }
  us-east-1:      { timezone: America/New_York, windows: { allow: "daily 02:00-04:00", deny: ["2026-11-26"] } }
  ap-southeast-2: { timezone: Australia/Sydney }
windows:
  policy: disruptive-only
  allow: "Mon-Fri 01:00-05:00"
  deny:
    - { when: "2026-12-20 to 2027-01-04", reason: year-end freeze }
${stages}rollout:
  waves: [[ap-southeast-2], [eu-west-1, us-east-1]]
  bake: 30m
  checks: [{ http: "http://127.0.0.1/health" }, { command: "true" }]
  rollback: all-previous
`,
    );
    const pipeline = await loadDefinition(file);
    expect(pipeline.windowPolicy).toBe('disruptive-only');
    const [eu, us, ap] = pipeline.regions;
    expect(eu?.windows?.map((w) => [w.effect, w.schedule, w.reason])).toEqual([
      ['allow', 'Mon-Fri 01:00-05:00', undefined],
      ['deny', '2026-12-20 to 2027-01-04', 'year-end freeze'],
    ]);
    // A region's allow replaces the pipeline's; its deny adds to it.
    expect(us?.windows?.map((w) => [w.effect, w.schedule])).toEqual([
      ['allow', 'daily 02:00-04:00'],
      ['deny', '2026-12-20 to 2027-01-04'],
      ['deny', '2026-11-26'],
    ]);
    expect(ap?.windows).toHaveLength(2);
    expect(pipeline.rollout).toMatchObject({
      waves: [['ap-southeast-2'], ['eu-west-1', 'us-east-1']],
      bakeMs: 30 * 60_000,
      checks: [
        { kind: 'http', url: 'http://127.0.0.1/health' },
        { kind: 'command', command: 'true' },
      ],
      rollback: 'all-previous',
    });
    expect(pipeline.stages[1]?.actions.map((a) => a.expectedDurationMs)).toEqual([1_200_000, 1_200_000, 1_200_000]);
  });

  it('takes the policy alone, and leaves a pipeline without windows without a policy', async () => {
    const alone = await loadDefinition(await tempDefinition('a.yaml', `pipeline: w\n${regions}windows: always\n${stages}`));
    expect(alone.windowPolicy).toBe('always');
    expect(alone.regions.every((r) => r.windows === undefined)).toBe(true);
    const none = await loadDefinition(await tempDefinition('b.yaml', `pipeline: w\n${regions}${stages}`));
    expect(none.windowPolicy).toBeUndefined();
  });

  it('reports every window problem at the character the parser points at, with a hint', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: w
regions:
  eu-west-1:      { timezone: Europe/Dublin }
  us-east-1:      { timezone: EST, windows: { allow: "Mon-Fri 01:00-05:00, Sat 25:00-26:00" } }
  ap-southeast-2: { timezone: Australia/Sydney }
windows:
  allow: "Mon-Fry 01:00-05:00"
  deny:
    - { when: "2026-12-20 to 2027-01-04", reason: freeze, timezone: CST }
    - 0 9 * * 1-5
${stages}rollout:
  waves: [[ap-southeast-2], [eu-west-1, us-east-2]]
`,
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 4, 31).message).toContain('`EST` is ambiguous');
    expect(problemAt(problems, file, 4, 31).hint).toContain('America/New_York');
    expect(problemAt(problems, file, 4, 80).message).toBe('25:00 is not a time of day');
    expect(problemAt(problems, file, 7, 15).message).toBe('`Fry` is not a day');
    expect(problemAt(problems, file, 9, 69).hint).toContain('America/Chicago');
    expect(problemAt(problems, file, 10, 7).hint).toContain('0 0 9 ? * 1-5 *');
    expect(problemAt(problems, file, 19, 3).message).toBe('`us-east-1` is in no wave');
    expect(problemAt(problems, file, 19, 41).message).toBe('region us-east-2 is not declared under `regions:`');
  });

  it('refuses a window that is not a text or `{ when }`', async () => {
    const file = await tempDefinition('meridian.yaml', `pipeline: w\n${regions}windows:\n  allow: [{ at: "daily 01:00-02:00" }]\n${stages}`);
    const problems = await problemsOf(file);
    expect(problems.map((p) => p.message).join('\n')).toContain('write a window or a list of windows');
  });
});
