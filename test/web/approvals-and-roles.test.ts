/**
 * What a token may do shows in the page: an operator approves a waiting manual approval with
 * a comment, with the keyboard alone (recorded with the token's name, shown in the events),
 * and retries a failed stage after reading what failed and the end of its log; a viewer sees
 * the same executions and pipelines without a single action button, and the API refuses it
 * anyway.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser.js';
import { eventually } from '../helpers/cli.js';
import { ended, type Summary } from '../helpers/serve.js';
import { startFixture, type Fixture } from './fixture.js';

describe('approvals and roles in the dashboard', () => {
  let fixture: Fixture;
  let browser: Browser;
  let executionId: string;
  let failedId: string;

  beforeAll(async () => {
    [fixture, browser] = await Promise.all([startFixture(), launchBrowser()]);
    const started = await fixture.served.api<{ executionId: string }>('POST', '/api/pipelines/gated/executions', {});
    executionId = started.body.executionId;
    failedId = (await fixture.served.api<{ executionId: string }>('POST', '/api/pipelines/flaky/executions', {})).body.executionId;
    await ended(fixture.served, failedId);
    await eventually(
      async () => (await fixture.served.api<Summary>('GET', `/api/executions/${executionId}`)).body.stages[1]?.actions[0]?.status === 'Waiting',
      30_000,
      'the approval to wait',
    );
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.served.stop();
  });

  it('a viewer sees everything read-only: no start, approve, override, stop or retry buttons', async () => {
    const { page, pageErrors } = await signIn(browser, fixture.served.url, fixture.tokens.viewer);
    await expect.poll(() => page.getByTestId('who').textContent()).toContain('onlooker · viewer (read-only)');
    await page.getByTestId('pipeline-gated').waitFor();
    expect(await page.getByRole('button', { name: 'Start execution' }).count()).toBe(0);

    await page.goto(`${fixture.served.url}/#/executions/${executionId}`);
    await expect.poll(() => page.getByTestId('action-status-ok-to-ship').getAttribute('data-status')).toBe('Waiting');
    expect(await page.getByTestId('action-ok-to-ship').textContent()).toContain('Waiting for approval');
    for (const name of ['Approve', 'Reject', 'Stop', 'Stop and abandon', 'Retry failed stage', 'Override window…', 'Start execution']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
    await page.goto(`${fixture.served.url}/#/executions/${failedId}`);
    await expect.poll(() => page.getByTestId('execution-status').getAttribute('data-status')).toBe('Failed');
    await page.getByTestId('failure-panel').waitFor();
    expect(await page.getByRole('button', { name: 'Retry failed stage' }).count()).toBe(0);
    // The page only hides what the API refuses.
    const refused = await fixture.served.api('POST', `/api/executions/${executionId}/approvals/ok-to-ship`, { status: 'Approved' }, fixture.tokens.viewer);
    expect(refused.status).toBe(403);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('an operator reads what failed, with the end of its log, and retries the failed stage', async () => {
    const { page, pageErrors } = await signIn(browser, fixture.served.url, fixture.tokens.operator, { hash: `#/executions/${failedId}` });
    const panel = page.getByTestId('failure-panel');
    // Wait on a line only the log has: the error message quotes the failing command, which
    // already says 'migration failed: lock held' before the log's tail has arrived.
    await expect.poll(() => panel.textContent()).toContain('checking the schema');
    expect(await panel.textContent()).toContain('migrate');
    expect(await panel.textContent()).toContain('migration failed: lock held');
    await page.getByRole('button', { name: 'Retry failed stage' }).click();
    await expect.poll(() => page.getByTestId('execution-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    expect(await page.getByTestId('action-migrate').textContent()).toContain('attempt 2');
    await expect.poll(() => page.getByTestId('events').textContent()).toContain('retried');
    expect(await page.getByTestId('failure-panel').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('fits a phone in dark mode: no sideways scrolling, each action card under its region', async () => {
    const { page, pageErrors } = await signIn(browser, fixture.served.url, fixture.tokens.viewer, {
      hash: `#/executions/${executionId}`,
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
    });
    await page.getByTestId('action-ok-to-ship').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r = 255, g = 255, b = 255] = background.match(/\d+/g)?.map(Number) ?? [];
    expect(r + g + b).toBeLessThan(120);
    // The grid's region column headers are hidden on a phone; each cell says its region instead.
    expect(await page.getByTestId('stage-Gate').innerText()).toContain('eu-west-1');
    expect(await page.locator('.stage__region').first().isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('an operator approves the waiting action with a comment and watches the execution finish', async () => {
    const { page, pageErrors } = await signIn(browser, fixture.served.url, fixture.tokens.operator, { hash: `#/executions/${executionId}` });
    // With the keyboard only: type the comment, Tab to Approve, press Enter.
    const card = page.getByTestId('action-ok-to-ship');
    await card.getByLabel('Comment').focus();
    await page.keyboard.type('checked the change log');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('action-status-ok-to-ship').getAttribute('data-status'), { timeout: 15_000 }).toBe('Succeeded');
    await expect.poll(() => page.getByTestId('execution-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    await expect.poll(() => page.getByTestId('events').textContent()).toContain('ok-to-ship approved by release-manager: checked the change log');
    // Nothing is left to act on: the approval form and the stop controls are gone.
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
