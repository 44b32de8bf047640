/**
 * One substitution everywhere (docs/formats.md, "Where `${region}` and `#{...}` apply"): each
 * place a native definition reads per region replaces `${region}`, `${region.timezone}` and
 * `${region.KEY}`; a place that is not per region, a key no region has, or a `#{...}` where
 * no execution's variables are read, is refused at its line.
 */
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const header = `pipeline: places
regions:
  eu-west-1: { timezone: Europe/Dublin, values: { window: "Mon-Fri 01:00-05:00", port: "8081", host: "\${region}.example.com" } }
  us-east-1: { timezone: America/New_York, values: { window: "Sat 02:00-04:00", port: "8082", host: "\${region}.example.com" } }
`;

const deploy = `stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["echo \${region.host}"] }
`;

describe('${region} and #{...} in every place', () => {
  it('replaces them per region in windows, rollout checks, stores, values, env parameters and with:', async () => {
    const file = await tempDefinition(
      'places.yaml',
      `${header.replace('eu-west-1: { timezone', 'eu-west-1: { store: "s3://artifacts-${region}", timezone')}windows:
  allow: "\${region.window}"
  deny: [{ when: "2026-12-24 to 2026-12-26", reason: "no deploys in \${region}" }]
sources:
  src: { git: ./repo }
stages:
  - name: Deploy
    forEach: region
    actions:
      - name: "\${region}-release"
        uses: release
        with:
          target: deploy/\${region}
          hooks: { afterActivate: "echo \${region.host}" }
          healthCheck: { url: "http://127.0.0.1:\${region.port}/health" }
      - name: "\${region}-smoke"
        uses: commands
        inputs: [src]
        commands: [./smoke]
        env: { TOKEN: { parameter: "/app/\${region}/token" } }
rollout:
  waves: [[eu-west-1], [us-east-1]]
  checks: [{ http: "http://\${region.host}:\${region.port}/health" }]
`,
    );
    const pipeline = await loadDefinition(file);
    const [eu, us] = pipeline.regions;
    expect(eu?.store.location).toBe('s3://artifacts-eu-west-1');
    expect(eu?.windows?.map((w) => [w.effect, w.schedule, w.reason])).toEqual([
      ['allow', 'Mon-Fri 01:00-05:00', undefined],
      ['deny', '2026-12-24 to 2026-12-26', 'no deploys in eu-west-1'],
    ]);
    expect(us?.windows?.[0]?.schedule).toBe('Sat 02:00-04:00');
    const deploy = pipeline.stages[1]!.actions.filter((a) => a.region === 'us-east-1');
    const release = deploy[0]!;
    expect(release.configuration.hooks).toEqual({ afterActivate: 'echo us-east-1.example.com' });
    expect(release.configuration.healthCheck).toEqual({ url: 'http://127.0.0.1:8082/health' });
    expect(deploy[1]!.environmentVariables?.[0]?.value).toBe('/app/us-east-1/token');
    expect(pipeline.rollout?.regionChecks?.['eu-west-1']).toEqual([{ kind: 'http', url: 'http://eu-west-1.example.com:8081/health' }]);
  });

  it('refuses a key no region has at its line inside with: and in a window, with did-you-mean', async () => {
    const file = await tempDefinition(
      'places.yaml',
      `${header}windows:
  allow: "\${region.windwo}"
stages:
  - name: Deploy
    forEach: region
    actions:
      - name: "\${region}-release"
        uses: release
        with:
          target: deploy/\${region}
          healthCheck: { url: "http://127.0.0.1:\${region.prot}/health" }
`,
    );
    const problems = await problemsOf(file);
    const window = problemAt(problems, file, 6, 10);
    expect(window.message).toBe('`${region.windwo}` names no value of region `eu-west-1` and `us-east-1`');
    expect(window.hint).toContain('`window`');
    const health = problems.filter((p) => p.location.line === 15);
    expect(health.length).toBeGreaterThan(0);
    expect(health[0]!.message).toContain('`${region.prot}` names no value of region');
    expect(health[0]!.hint).toContain('`port`');
  });

  it('refuses #{...} in a window and in a rollout check, where it would be kept as written', async () => {
    const file = await tempDefinition(
      'places.yaml',
      `${header}variables: { window: "Mon-Fri 01:00-05:00" }
windows:
  allow: "#{variables.window}"
${deploy}rollout:
  waves: [[eu-west-1, us-east-1]]
  checks: [{ command: "curl -f http://#{variables.window}/health" }]
`,
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 7, 10).message).toBe('#{variables.window} is not replaced in a window');
    const check = problemAt(problems, file, 15, 12);
    expect(check.message).toBe('#{variables.window} is not replaced in a rollout check');
    expect(check.hint).toContain('`${region.KEY}`');
  });

  it('refuses ${region} where nothing is per region: a stage name, a source, a variable', async () => {
    const file = await tempDefinition(
      'places.yaml',
      `${header}variables: { where: "\${region}" }
sources:
  src: { git: ./repo, branch: "release/\${region}" }
stages:
  - name: "Deploy-\${region}"
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, inputs: [src], commands: ["echo \${region}"] }
`,
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 5, 21).message).toBe('${region} is not replaced here: `variables.where` is not read per region');
    expect(problemAt(problems, file, 7, 31).message).toBe('${region} is not replaced here: `sources.src.branch` is not read per region');
    const stage = problemAt(problems, file, 9, 11);
    expect(stage.message).toBe('${region} is not replaced here: `stages.name` is not read per region');
    expect(stage.hint).toContain("an action's name");
  });

  it('refuses a value naming another value', async () => {
    const file = await tempDefinition(
      'places.yaml',
      `pipeline: places
regions:
  eu-west-1: { values: { port: "8081", url: "http://127.0.0.1:\${region.port}" } }
${deploy}`,
    );
    const problems = await problemsOf(file);
    const value = problemAt(problems, file, 3, 45);
    expect(value.message).toBe('`${region.port}` in a value is not replaced: a value cannot name another value');
  });
});
