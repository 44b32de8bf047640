/**
 * Rolling a stage back from the dashboard: a real server with a two-region pipeline whose
 * deploy actions copy VERSION from the source repository into a "live" folder, two releases,
 * then an operator rolls the stage back from the newest execution's page and lands on the
 * rollback execution, labelled as one, which puts version 1 back everywhere. The failed-over
 * execution's events link to its rollback; nothing left to roll back is said inline (409);
 * an older release can be rolled back to in the regions chosen; a viewer sees no control.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser.js';
import { commit, makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served } from '../helpers/serve.js';
import { liveVersion, writeRollbackShop } from '../helpers/rollback-shop.js';
import { tempDir } from '../helpers/temp.js';
import { ensureWebBuilt } from '../helpers/web-build.js';
import { makeToken } from './fixture.js';

const short = (id: string): string => id.slice(0, 8);

describe('rolling a stage back from the dashboard', () => {
  let served: Served;
  let browser: Browser;
  let dir: string;
  let tokens: { operator: string; viewer: string };
  let v1: string;
  let v2: string;
  let rollbackId: string;
  const live = (region: string): string => liveVersion(dir, region);
  const executionOnPage = (page: Page): string => decodeURIComponent(/#\/executions\/([^?]+)/.exec(page.url())?.[1] ?? '');

  beforeAll(async () => {
    const repo = makeRepo({ VERSION: '1' });
    dir = tempDir('meridian-web-rollback-');
    const file = writeRollbackShop(dir, repo);
    [, browser, served] = await Promise.all([ensureWebBuilt(), launchBrowser(), startServe(['-f', file, '--state-dir', path.join(dir, 'state')])]);
    tokens = { operator: await makeToken(served, 'operator', 'release-manager'), viewer: await makeToken(served, 'viewer', 'onlooker') };
    const start = async (): Promise<string> => {
      const { executionId } = (await served.api<{ executionId: string }>('POST', '/api/pipelines/shop/executions', {})).body;
      expect((await ended(served, executionId)).status).toBe('Succeeded');
      return executionId;
    };
    v1 = await start();
    commit(repo, { VERSION: '2' }, 'Version 2');
    v2 = await start();
    expect([live('eu-west-1'), live('us-east-1')]).toEqual(['2', '2']);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('a viewer sees no rollback control', async () => {
    const { page, pageErrors } = await signIn(browser, served.url, tokens.viewer, { hash: `#/executions/${v2}` });
    await expect.poll(() => page.getByTestId('stage-status-Deploy').getAttribute('data-status')).toBe('Succeeded');
    await page.goto(`${served.url}/#/executions/${v1}`);
    await expect.poll(executionOnPage.bind(null, page)).toBe(v1);
    await expect.poll(() => page.getByTestId('stage-status-Deploy').getAttribute('data-status')).toBe('Succeeded');
    expect(await page.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    // The page only hides what the API refuses.
    expect((await served.api('POST', '/api/pipelines/shop/stages/Deploy/rollback', {}, tokens.viewer)).status).toBe(403);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('an operator rolls the stage back and watches the rollback execution put version 1 back', async () => {
    const { page, pageErrors } = await signIn(browser, served.url, tokens.operator, { hash: `#/executions/${v2}` });
    await page.getByRole('button', { name: 'Roll back… (stage Deploy)' }).click();
    expect(await page.getByTestId('rollback-explanation').textContent()).toContain('to its last good run there');
    await page.getByRole('button', { name: 'Roll back eu-west-1, us-east-1' }).click();

    await expect.poll(() => executionOnPage(page), { timeout: 15_000 }).not.toBe(v2);
    rollbackId = executionOnPage(page);
    await expect.poll(() => page.getByTestId('execution-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    const trigger = page.getByTestId('trigger');
    expect(await trigger.getByTestId('rollback-tag').textContent()).toBe('Rollback');
    const detail = await trigger.textContent();
    expect(detail).toContain(`eu-west-1 back to execution ${short(v1)}`);
    expect(detail).toContain(`us-east-1 back to execution ${short(v1)}`);
    expect(detail).toContain(`after execution ${short(v2)}: rolled back by release-manager`);
    expect(await trigger.locator(`a[href="#/executions/${v2}"]`).count()).toBe(1);
    expect([live('eu-west-1'), live('us-east-1')]).toEqual(['1', '1']);

    // The execution rolled back links to its rollback from its events.
    await page.goto(`${served.url}/#/executions/${v2}`);
    const link = page.getByTestId('events').locator(`a[href="#/executions/${rollbackId}"]`).first();
    await expect.poll(() => link.count()).toBe(1);
    expect(await page.getByTestId('events').textContent()).toContain(`Rollback ${short(rollbackId)} started`);
    await link.click();
    await expect.poll(() => executionOnPage(page)).toBe(rollbackId);

    // The list says which executions are rollbacks.
    await page.goto(`${served.url}/#/executions?pipeline=shop`);
    const row = page.getByTestId('execution-list').locator(`a[href="#/executions/${rollbackId}"]`);
    await expect.poll(() => row.textContent()).toContain('Rollback');
    expect(await row.textContent()).toContain('rolled back by release-manager');
    expect(await page.getByTestId('execution-list').locator(`a[href="#/executions/${v2}"]`).textContent()).not.toContain('Rollback');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('says inline why nothing can be rolled back, and rolls one region back to an older execution', async () => {
    const { page, pageErrors } = await signIn(browser, served.url, tokens.operator, { hash: `#/executions/${rollbackId}` });
    await page.getByRole('button', { name: 'Roll back… (stage Deploy)' }).click();
    await page.getByRole('button', { name: 'Roll back eu-west-1, us-east-1' }).click();
    await expect.poll(() => page.getByTestId('rollback-problem').textContent()).toContain('nothing to roll back stage Deploy to in eu-west-1, us-east-1');
    expect(executionOnPage(page)).toBe(rollbackId);

    // v2 is older than the rollback and succeeded: it can be gone back to, here in eu-west-1 only.
    await page.goto(`${served.url}/#/executions/${v2}`);
    await page.getByRole('button', { name: 'Roll back to this execution… (stage Deploy)' }).click();
    expect(await page.getByTestId('rollback-explanation').textContent()).toContain(`goes back to this execution (${short(v2)})`);
    await page.getByRole('checkbox', { name: 'us-east-1' }).uncheck();
    await page.getByRole('button', { name: 'Roll back eu-west-1', exact: true }).click();
    await expect.poll(() => executionOnPage(page), { timeout: 15_000 }).not.toBe(v2);
    await expect.poll(() => page.getByTestId('execution-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    expect(await page.getByTestId('trigger').textContent()).toContain(`eu-west-1 back to execution ${short(v2)}, after execution ${short(rollbackId)}`);
    expect([live('eu-west-1'), live('us-east-1')]).toEqual(['2', '1']);
    // The browser reports the 409 answer itself as a failed resource; nothing else went wrong.
    expect(pageErrors.filter((e) => !e.includes('409'))).toEqual([]);
    await page.context().close();
  });
});
