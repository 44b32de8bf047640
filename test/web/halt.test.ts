/**
 * Emergency halts in the dashboard: an operator halts a region from the header (region, reason,
 * confirmation); a banner says where, who, when and why on every page; an execution's deploy
 * step there reads as halted while the other region deploys; a second halt of the region is
 * refused with who halted first; a viewer sees the banner but no control; the operator lifts
 * the halt from the banner and the execution finishes.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser.js';
import { startFixture, type Fixture } from './fixture.js';

describe('emergency halts in the dashboard', () => {
  let fixture: Fixture;
  let browser: Browser;

  beforeAll(async () => {
    [fixture, browser] = await Promise.all([startFixture(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.served.stop();
  });

  it('an operator halts a region; the banner shows on every page, the held step reads halted, a viewer has no control; lifting lets it finish', async () => {
    const operator = await signIn(browser, fixture.served.url, fixture.tokens.operator);
    const { page } = operator;
    expect(await page.getByTestId('halt-banner').count()).toBe(0);

    await page.getByRole('button', { name: 'Halt deploys…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Halt deploys' });
    await dialog.getByLabel('Where').selectOption('us-east-1');
    // No reason, no halt.
    expect(await dialog.getByRole('button', { name: 'Continue…' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Reason (required)').fill('bad release 42');
    await dialog.getByRole('button', { name: 'Continue…' }).click();
    expect(await dialog.getByTestId('halt-confirmation').textContent()).toContain('Halt deploys to us-east-1? No deploy step');
    await dialog.getByRole('button', { name: 'Halt deploys to us-east-1' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const banner = page.getByTestId('halt-us-east-1');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('Deploys halted in us-east-1');
    expect(text).toContain('by release-manager at ');
    expect(text).toContain('bad release 42');
    const halts = await fixture.served.api<Array<{ region: string; by: string; at: string }>>('GET', '/api/halts');
    expect(halts.body).toEqual([expect.objectContaining({ region: 'us-east-1', by: 'release-manager', reason: 'bad release 42' })]);
    expect(await banner.locator('time').getAttribute('datetime')).toBe(halts.body[0]?.at);

    // An execution deploys to eu-west-1 and holds in us-east-1; the banner is on its page too.
    const executionId = (await fixture.served.api<{ executionId: string }>('POST', '/api/pipelines/shop/executions', {})).body.executionId;
    await page.goto(`${fixture.served.url}/#/executions/${executionId}`);
    await expect.poll(() => page.getByTestId('action-status-eu-west-1-deploy').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    await expect.poll(() => page.getByTestId('action-status-us-east-1-deploy').getAttribute('data-status')).toBe('Waiting');
    // The card says why it waits: halted, by whom and why (whatever words the card puts around the reason).
    const held = (await page.getByTestId('action-us-east-1-deploy').textContent()) ?? '';
    expect(held).toContain('halt');
    expect(held).toContain('deploys to us-east-1 halted by release-manager');
    expect(held).toContain('bad release 42');
    expect(await page.getByTestId('halt-us-east-1').isVisible()).toBe(true);

    // A second halt of the same region is refused, naming who halted first.
    await page.getByRole('button', { name: 'Halt deploys…' }).click();
    await dialog.getByLabel('Where').selectOption('us-east-1');
    await dialog.getByLabel('Reason (required)').fill('me too');
    await dialog.getByRole('button', { name: 'Continue…' }).click();
    await dialog.getByRole('button', { name: 'Halt deploys to us-east-1' }).click();
    await expect.poll(() => dialog.locator('.problem').textContent()).toContain('already halted by release-manager');
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // A viewer sees the banner, on any page, and no control.
    const viewer = await signIn(browser, fixture.served.url, fixture.tokens.viewer, { hash: `#/executions/${executionId}` });
    await viewer.page.getByTestId('halt-us-east-1').waitFor();
    expect(await viewer.page.getByTestId('halt-us-east-1').textContent()).toContain('bad release 42');
    expect(await viewer.page.getByRole('button', { name: 'Halt deploys…' }).count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: /Lift halt/ }).count()).toBe(0);
    await viewer.page.goto(`${fixture.served.url}/#/pipelines`);
    await viewer.page.getByTestId('halt-us-east-1').waitFor();
    expect(viewer.pageErrors).toEqual([]);

    // The operator lifts it from the banner: the execution finishes, the banner goes (for the viewer too).
    await banner.getByRole('button', { name: 'Lift halt of us-east-1…' }).click();
    await banner.getByLabel('Why lift it? (required)').fill('fixed in 43');
    await banner.getByRole('button', { name: 'Continue…' }).click();
    expect(await banner.textContent()).toContain('Lift the halt of us-east-1?');
    await banner.getByRole('button', { name: 'Lift halt of us-east-1' }).click();
    await page.getByTestId('halt-banner').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('execution-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    await expect.poll(() => page.getByTestId('events').textContent()).toContain('lifted by release-manager: fixed in 43');
    await viewer.page.getByTestId('halt-banner').waitFor({ state: 'detached', timeout: 10_000 });
    expect(operator.pageErrors.filter((e) => !e.includes('409'))).toEqual([]);
    await viewer.page.context().close();
    await page.context().close();
  });
});
