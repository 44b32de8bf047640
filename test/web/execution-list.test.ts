/**
 * The execution list with 5,000 executions: the store holds them (written through the real
 * StateStore, as the engine would create them), the page shows a few dozen rows at a time
 * and loads pages of 200 as it scrolls, and scrolling to the oldest stays smooth.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadForRun } from '../../src/cli/load.js';
import { openMeridian } from '../../src/cli/open-meridian.js';
import { launchBrowser, signIn } from '../helpers/browser.js';
import { makeRepo } from '../helpers/git-repo.js';
import { startServe, ADMIN_TOKEN, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { ensureWebBuilt } from '../helpers/web-build.js';

const COUNT = 5000;

describe('an execution list of 5,000 executions', () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    const dir = tempDir('meridian-web-list-');
    const repo = makeRepo({ 'README.md': 'bulk\n' });
    writeFiles(dir, {
      'bulk.yaml': `pipeline: bulk\nsources:\n  src: { git: ${repo} }\nstages:\n  - name: Build\n    actions:\n      - { name: b, uses: commands, inputs: [src], commands: ['true'] }\n`,
    });
    const stateDir = path.join(dir, 'state');
    const [, launched] = await Promise.all([seed(path.join(dir, 'bulk.yaml'), stateDir), launchBrowser(), ensureWebBuilt()]);
    browser = launched;
    served = await startServe(['-f', path.join(dir, 'bulk.yaml'), '--state-dir', stateDir]);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('renders only the rows in view and scrolls to the oldest without long stalls', async () => {
    const { page, pageErrors } = await signIn(browser, served.url, ADMIN_TOKEN, { hash: '#/executions' });
    const list = page.getByTestId('execution-list');
    await expect.poll(() => list.locator('[role=listitem]').count()).toBeGreaterThan(5);
    expect(await list.locator('[role=listitem]').first().textContent()).toContain(`seeded #${COUNT}`);

    await page.evaluate(() => {
      const state = { longest: 0, maxRows: 0 };
      (window as unknown as { listState: typeof state }).listState = state;
      new PerformanceObserver((entries) => {
        for (const entry of entries.getEntries()) state.longest = Math.max(state.longest, entry.duration);
      }).observe({ type: 'longtask', buffered: false });
      new MutationObserver(() => {
        state.maxRows = Math.max(state.maxRows, document.querySelectorAll('[data-testid="execution-list"] [role=listitem]').length);
      }).observe(document.body, { subtree: true, childList: true });
    });
    const started = Date.now();
    // Scroll to the end again and again: each time the next page of 200 is fetched.
    for (let i = 0; i < 60; i++) {
      await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      await page.waitForTimeout(100);
      if ((await list.locator('[role=listitem]').last().textContent())?.includes('seeded #1 ')) break;
    }
    const elapsed = Date.now() - started;
    expect(await list.locator('[role=listitem]').last().textContent()).toContain('seeded #1 ');
    expect(await page.getByTestId('execution-count').textContent()).toBe(`${COUNT} loaded`);
    const state = await page.evaluate(() => (window as unknown as { listState: { longest: number; maxRows: number } }).listState);
    console.log(
      `execution list: ${COUNT} executions scrolled to the oldest in ${elapsed} ms, at most ${state.maxRows} rows in the page, longest main-thread task ${Math.round(state.longest)} ms`,
    );
    expect(state.maxRows).toBeLessThanOrEqual(80);
    expect(state.longest).toBeLessThan(500);

    // A row is a link to its execution.
    await list.locator('[role=listitem]').last().click();
    await page.waitForURL(/#\/executions\/[0-9a-f-]+$/);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});

/** Writes COUNT finished executions, a minute apart, through the state store in one transaction. */
async function seed(file: string, stateDir: string): Promise<void> {
  const meridian = await openMeridian(stateDir);
  try {
    const pipeline = await loadForRun(meridian, file, undefined);
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    await meridian.store.transaction(async (tx) => {
      for (let n = 1; n <= COUNT; n++) {
        const at = new Date(start + n * 60_000).toISOString();
        const id = `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
        await meridian.store.createExecution(tx, {
          id,
          pipeline,
          trigger: { type: 'api', detail: `seeded #${n} ` },
          context: { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} },
          at,
          owner: 'seed',
        });
        await meridian.store.setExecutionStatus(tx, id, n % 10 === 0 ? 'Failed' : 'Succeeded', new Date(start + n * 60_000 + 5_000).toISOString());
      }
    });
  } finally {
    await meridian.close();
  }
}
