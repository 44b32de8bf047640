/**
 * Windows in the dashboard: a region whose window is closed shows, on its waiting action,
 * when the window opens (in the region's zone); follow-the-night shows each region's clock,
 * its windows and the planned start of its deploy; an operator overrides the window with a
 * reason and the region deploys at once, the override recorded in the events.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser.js';
import { eventually } from '../helpers/cli.js';
import { startFixture, type Fixture } from './fixture.js';

interface View {
  status: string;
  stages: Array<{ name: string; actions: Array<{ name: string; status: string; opensAt: string | null }> }>;
}

describe('deployment windows in the dashboard', () => {
  let fixture: Fixture;
  let browser: Browser;
  let executionId: string;
  let opensAt: string;

  beforeAll(async () => {
    [fixture, browser] = await Promise.all([startFixture(), launchBrowser()]);
    executionId = (await fixture.served.api<{ executionId: string }>('POST', '/api/pipelines/nightly/executions', {})).body.executionId;
    opensAt = await eventually(
      async () => {
        const { body } = await fixture.served.api<View>('GET', `/api/executions/${executionId}/view`);
        const waiting = body.stages.flatMap((s) => s.actions).find((a) => a.name === 'us-east-1-deploy');
        return waiting?.status === 'Waiting' ? (waiting.opensAt ?? undefined) : undefined;
      },
      30_000,
      'us-east-1 to wait for its window',
    );
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.served.stop();
  });

  it('shows when the window of a waiting region opens, while the open region deploys', async () => {
    // The window opens at the next windowHour:00 UTC.
    expect(new Date(opensAt).getUTCHours()).toBe(fixture.windowHour);
    expect(Date.parse(opensAt) - Date.now()).toBeGreaterThan(2 * 3_600_000);
    const { page, pageErrors } = await signIn(browser, fixture.served.url, fixture.tokens.viewer, { hash: `#/executions/${executionId}` });
    await expect.poll(() => page.getByTestId('action-status-eu-west-1-deploy').getAttribute('data-status'), { timeout: 15_000 }).toBe('Succeeded');
    const wait = page.getByTestId('wait-us-east-1-deploy');
    const shown = `${opensAt.slice(0, 10)} ${opensAt.slice(11, 19)} UTC`;
    await expect.poll(() => wait.textContent()).toContain(`Window opens at ${shown}`);
    expect(await wait.locator('time').getAttribute('datetime')).toBe(opensAt);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('follow the night: clocks, windows and the planned start of each region', async () => {
    const { page, pageErrors } = await signIn(browser, fixture.served.url, fixture.tokens.viewer, { hash: '#/pipelines/nightly/night' });
    await page.getByTestId('clock-us-east-1').waitFor();
    expect(await page.getByTestId('clock-eu-west-1').textContent()).toContain('Europe/Dublin');
    expect(await page.getByTestId('clock-eu-west-1').textContent()).toContain('always open (no windows)');
    // us-east-1 reads its windows in UTC here: its clock shows UTC (give or take the minute that may turn meanwhile).
    const clock = /(\d\d):(\d\d)/.exec((await page.getByTestId('clock-us-east-1').textContent()) ?? '');
    const shownMinutes = Number(clock?.[1]) * 60 + Number(clock?.[2]);
    const utcMinutes = new Date().getUTCHours() * 60 + new Date().getUTCMinutes();
    expect(Math.min(Math.abs(shownMinutes - utcMinutes), 1440 - Math.abs(shownMinutes - utcMinutes))).toBeLessThanOrEqual(2);
    const row = page.getByTestId('plan-us-east-1');
    expect(await row.textContent()).toContain(`opens ${opensAt.slice(0, 10)} ${opensAt.slice(11, 19)}`);
    expect(await row.textContent()).toContain(`${opensAt.slice(0, 10)} ${opensAt.slice(11, 19)} (in `);
    // One window bar in the 48-hour timeline for every day it opens (44 hours ahead, 4 behind).
    const bars = await page.getByTestId('timeline-us-east-1').locator('.timeline__window').count();
    expect(bars).toBeGreaterThanOrEqual(1);
    expect(bars).toBeLessThanOrEqual(3);
    expect(await page.getByTestId('timeline-us-east-1').locator('.timeline__start').count()).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('an operator overrides the window with a reason and the region deploys now', async () => {
    const { page, pageErrors } = await signIn(browser, fixture.served.url, fixture.tokens.operator, { hash: `#/executions/${executionId}` });
    const card = page.getByTestId('action-us-east-1-deploy');
    await card.getByRole('button', { name: 'Override window…' }).click();
    await card.getByLabel('Reason (required)').fill('hotfix for the outage');
    await card.getByRole('button', { name: 'Deploy us-east-1 now' }).click();
    await expect.poll(() => page.getByTestId('execution-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    await expect.poll(() => page.getByTestId('events').textContent()).toContain('overridden by release-manager');
    expect(await page.getByTestId('events').textContent()).toContain('hotfix for the outage');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
