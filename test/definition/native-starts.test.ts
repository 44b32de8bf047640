import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

/** A native pipeline whose `sources:` are written from line 2 on, followed by one build stage. */
const native = (sources: string): string => `pipeline: shop
sources:
${sources}
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [app], commands: ["true"] }
`;

async function check(sources: string) {
  const file = await tempDefinition('meridian.yaml', native(sources));
  const problems = await problemsOf(file);
  return { problems, at: (line: number, col: number) => problemAt(problems, file, line, col) };
}

describe('what starts a native source: webhook, on, poll', () => {
  it('compiles a webhook with the canonical $.ref filter, push filters and a poll', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      native(`  app:
    git: https://github.com/acme/shop
    branch: main
    webhook:
      secret: { parameter: /shop/webhook-secret }
    poll: 2m
  docs:
    git: https://github.com/acme/shop-docs
    webhook: { secret: { secret: "github-webhook:token" }, name: docs-hook }
    on:
      - branches: [main, 'release/**']
        paths: { includes: ['docs/**'], excludes: ['docs/drafts/**'] }
      - tags: ['v*']
  assets:
    git: https://github.com/acme/shop-assets
    branch: trunk
    webhook: { allowedIpRange: 192.0.2.0/24 }
    poll: true`),
    );
    const pipeline = await loadDefinition(file);
    expect(pipeline.webhooks).toEqual([
      {
        name: 'app',
        authentication: 'GITHUB_HMAC',
        secret: { kind: 'parameter', name: '/shop/webhook-secret' },
        // A source with a branch gets CodePipeline's canonical filter.
        filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
        targetAction: 'app',
        location: { file, line: 6, col: 5 },
      },
      {
        name: 'docs-hook',
        authentication: 'GITHUB_HMAC',
        secret: { kind: 'secret', reference: 'github-webhook:token' },
        // With `on:` the push filters decide: no $.ref filter.
        filters: [],
        targetAction: 'docs',
        location: { file, line: 11, col: 5 },
      },
      {
        name: 'assets',
        authentication: 'IP',
        allowedIpRange: '192.0.2.0/24',
        filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
        targetAction: 'assets',
        location: { file, line: 19, col: 5 },
      },
    ]);
    expect(pipeline.triggers).toEqual([
      {
        providerType: 'GitHub',
        sourceActionName: 'docs',
        push: [
          { branches: { includes: ['main', 'release/**'], excludes: [] }, filePaths: { includes: ['docs/**'], excludes: ['docs/drafts/**'] } },
          { tags: { includes: ['v*'], excludes: [] } },
        ],
        location: { file, line: 12, col: 5 },
      },
    ]);
    expect(pipeline.polls).toEqual([
      { sourceActionName: 'app', intervalSeconds: 120 },
      { sourceActionName: 'assets', intervalSeconds: 60 },
    ]);
    // The source action itself carries no trigger settings: the server reads the model's lists.
    expect(pipeline.stages[0]!.actions[0]!.configuration).toEqual({ Repository: 'https://github.com/acme/shop', Branch: 'main' });
  });

  it('takes a plain secret and an unauthenticated webhook when asked for', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      native(`  app: { git: ./app, branch: main, webhook: { secret: plain-text-secret } }
  open: { git: ./open, branch: main, webhook: { unauthenticated: true, filters: [{ jsonPath: $.repository.name, matchEquals: open }] } }`),
    );
    const pipeline = await loadDefinition(file);
    expect(pipeline.webhooks.map((w) => [w.name, w.authentication, w.secret, w.filters])).toEqual([
      ['app', 'GITHUB_HMAC', { kind: 'plain', value: 'plain-text-secret' }, [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }]],
      ['open', 'UNAUTHENTICATED', undefined, [{ jsonPath: '$.repository.name', matchEquals: 'open' }]],
    ]);
  });

  it('asks how deliveries are authenticated, once', async () => {
    const { at, problems } = await check(`  app: { git: ./app, branch: main, webhook: true }
  both: { git: ./both, branch: main, webhook: { secret: s, unauthenticated: true } }
  none: { git: ./none, branch: main, webhook: {} }`);
    expect(at(3, 45)).toMatchObject({
      message: 'say how webhook deliveries are authenticated',
      hint: 'write `webhook: { secret: { parameter: /NAME } }` (GitHub signs deliveries with it), `webhook: { allowedIpRange: CIDR }` or `webhook: { unauthenticated: true }`',
    });
    expect(at(4, 60)).toMatchObject({
      message: 'a webhook takes one of `secret`, `allowedIpRange` and `unauthenticated`; this one has `secret` and `unauthenticated`',
    });
    expect(at(5, 38).message).toBe('say how webhook deliveries are authenticated');
    expect(problems).toHaveLength(3);
  });

  it('refuses a webhook that would start on any branch, and push filters without a webhook', async () => {
    const { at, problems } = await check(`  app: { git: ./app, webhook: { secret: { parameter: /p } } }
  tags:
    git: ./tags
    on: [{ tags: ['v*'] }]`);
    expect(at(3, 22)).toMatchObject({
      message: 'this webhook would start the pipeline for a push to any branch, and build the default branch',
      hint: 'give the source a `branch:` (pushes to it start the pipeline), list `filters:`, or say which pushes start it with `on:` push filters',
    });
    expect(at(6, 5)).toMatchObject({
      message: '`on:` filters webhook deliveries, but this source has no `webhook:`',
      hint: 'add `webhook: { secret: { parameter: /NAME } }` to the source',
    });
    expect(problems).toHaveLength(2);
  });

  it('checks push filters as CodePipeline does, in the native words', async () => {
    const { at, problems } = await check(`  app:
    git: ./app
    webhook: { secret: s }
    on:
      - { tags: ['v*'], branches: [main] }
      - paths: ['src/**']
      - branches: [a, b, c, d, e, f, g, h, i]
      - branches: { excludes: [] }
      - {}`);
    expect(at(6, 5)).toMatchObject({
      message: 'a trigger takes 1 to 3 push filters; this one has 5',
      hint: 'merge filters: one filter may list up to 8 branch patterns',
    });
    expect(at(7, 11)).toMatchObject({
      message: 'a push filter takes tags, branches, or branches with file paths: `tags` cannot be combined with `branches`',
      hint: 'split it into two filters (they are OR-ed): one with `tags`, one with `branches`',
    });
    expect(at(8, 9)).toMatchObject({ message: '`paths` need `branches` in the same push filter' });
    expect(at(9, 44).message).toBe('`includes` of `branches` takes at most 8 patterns; this list has 9');
    expect(at(10, 9)).toMatchObject({ message: '`branches` lists no patterns', hint: 'list patterns under `includes` or `excludes`, or remove `branches`' });
    expect(at(11, 9)).toMatchObject({ message: 'a push filter needs tags, branches, or branches with file paths' });
    expect(problems).toHaveLength(6);
  });

  it('reports schema mistakes in webhook, on and poll with did-you-mean', async () => {
    const { at, problems } = await check(`  app:
    git: ./app
    branch: main
    webhook: { secret: { paramter: /p } }
    poll: 10 minutes
    on:
      - branchs: [main]`);
    expect(at(6, 26)).toMatchObject({ message: 'unknown key `paramter` in `secret`', hint: 'did you mean `parameter`?' });
    expect(at(7, 11).message).toContain('write an interval such as 60s, 5m or 1h');
    expect(at(9, 9)).toMatchObject({ message: 'unknown key `branchs` in `on`', hint: 'did you mean `branches`?' });
    expect(problems).toHaveLength(3);
  });
});
