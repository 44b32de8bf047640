/**
 * Region lanes in the dashboard, on a real `meridian serve` with the seed's shape: three
 * regions in three zones, each deploying infrastructure, prepare, execute (runOrder 1-3).
 * eu-west-1's window is open all day, us-east-1's opens about three hours from now and
 * ap-southeast-2's about six (windows written in each region's own zone, so the test runs at
 * any hour of any day): eu-west-1's lane runs to its end while the other two wait at their
 * first step. The execution page draws three lanes; the waiting step says when its window
 * opens in its region's zone with the zone's abbreviation; the steps behind it name it; an
 * operator lets one lane go and all its steps run; follow the night shows each lane's steps.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser.js';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { ensureWebBuilt } from '../helpers/web-build.js';
import { makeToken } from './fixture.js';

const HOUR = 3_600_000;
const ZONES = { 'eu-west-1': 'Europe/Dublin', 'us-east-1': 'America/New_York', 'ap-southeast-2': 'Australia/Sydney' } as const;
const STEPS = ['infrastructure', 'prepare', 'execute'];

interface View {
  stages: Array<{
    name: string;
    lanes: string | null;
    actions: Array<{ name: string; status: string; opensAt: string | null; waitsFor: { kind: string; text: string } | null }>;
  }>;
}

/** The local hour `ms` from now in `zone`. */
function localHour(ms: number, zone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + ms)));
}

/** A daily one-hour window opening at the local hour `ms` from now: closed now, open in a few hours. */
function windowIn(ms: number, zone: string): string {
  const hour = localHour(ms, zone);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `daily ${pad(hour)}:00-${pad((hour + 1) % 24)}:00`;
}

function pipeline(repo: string): string {
  return `pipeline: lanes
regions:
  eu-west-1:      { timezone: ${ZONES['eu-west-1']}, windows: { allow: "daily 00:00-24:00" } }
  us-east-1:      { timezone: ${ZONES['us-east-1']}, windows: { allow: "${windowIn(3 * HOUR, ZONES['us-east-1'])}" } }
  ap-southeast-2: { timezone: ${ZONES['ap-southeast-2']}, windows: { allow: "${windowIn(6 * HOUR, ZONES['ap-southeast-2'])}" } }
windows:
  policy: always
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
${STEPS.map((step, i) => `      - { name: "\${region}-${step}", runOrder: ${i + 1}, uses: commands, inputs: [src], commands: ['sleep 0.2', 'echo ${step} \${region}'] }`).join('\n')}
`;
}

/** `Tue 01:00 AEDT`, as people in the zone read the instant (the abbreviation from a locale of that country). */
function zoned(iso: string, zone: string, locale: string): string {
  const at = new Date(iso);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  return `${day} ${name}`;
}

describe('region lanes in the dashboard', () => {
  let served: Served;
  let browser: Browser;
  let operator: string;
  let viewer: string;
  let executionId: string;
  const opensAt: Record<string, string> = {};

  beforeAll(async () => {
    await ensureWebBuilt();
    const dir = tempDir('meridian-lanes-');
    writeFiles(dir, { 'lanes.yaml': pipeline(makeRepo({ 'README.md': 'lanes\n' })) });
    [served, browser] = await Promise.all([startServe(['-f', path.join(dir, 'lanes.yaml'), '--state-dir', path.join(dir, 'state')]), launchBrowser()]);
    [operator, viewer] = await Promise.all([makeToken(served, 'operator', 'night-shift'), makeToken(served, 'viewer', 'onlooker')]);
    executionId = (await served.api<{ executionId: string }>('POST', '/api/pipelines/lanes/executions', {})).body.executionId;
    await eventually(
      async () => {
        const { body } = await served.api<View>('GET', `/api/executions/${executionId}/view`);
        const actions = body.stages.find((s) => s.name === 'Deploy')?.actions ?? [];
        const status = (name: string): string | undefined => actions.find((a) => a.name === name)?.status;
        for (const region of ['us-east-1', 'ap-southeast-2']) {
          const first = actions.find((a) => a.name === `${region}-infrastructure`);
          if (first?.status === 'Waiting' && first.opensAt !== null) opensAt[region] = first.opensAt;
        }
        return STEPS.every((step) => status(`eu-west-1-${step}`) === 'Succeeded') && opensAt['us-east-1'] && opensAt['ap-southeast-2'] ? true : undefined;
      },
      60_000,
      "eu-west-1's lane to finish while the other lanes wait for their windows",
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('the view says the stage runs in lanes and what each step waits for', async () => {
    const { body } = await served.api<View>('GET', `/api/executions/${executionId}/view`);
    const deploy = body.stages.find((s) => s.name === 'Deploy');
    expect(deploy?.lanes).toBe('region');
    const waits = Object.fromEntries((deploy?.actions ?? []).map((a) => [a.name, a.waitsFor]));
    expect(waits['ap-southeast-2-infrastructure']?.kind).toBe('window');
    expect(waits['ap-southeast-2-prepare']?.kind).toBe('lane');
    expect(waits['eu-west-1-execute']).toBeNull();
    // The window opens about three and six hours from now, at the top of a local hour.
    expect(Date.parse(opensAt['us-east-1'] ?? '') - Date.now()).toBeGreaterThan(HOUR);
    expect(Date.parse(opensAt['ap-southeast-2'] ?? '') - Date.now()).toBeGreaterThan(4 * HOUR);
  });

  it('draws one lane per region; a waiting step shows its window in its zone, the steps behind it name it', async () => {
    const { page, pageErrors, foreignRequests } = await signIn(browser, served.url, viewer, { hash: `#/executions/${executionId}` });
    const lanes = page.getByTestId('lanes-Deploy');
    await lanes.waitFor();
    for (const region of Object.keys(ZONES))
      expect(await lanes.getByTestId(`lane-Deploy-${region}`).textContent()).toContain(ZONES[region as keyof typeof ZONES]);
    expect(await lanes.locator('.lanes__lane').count()).toBe(3);
    // Lanes go down the page in the declared order, each lane's steps across it in runOrder order.
    const box = async (id: string) => (await page.getByTestId(id).boundingBox()) ?? { x: 0, y: 0 };
    expect((await box('action-eu-west-1-infrastructure')).y).toBeLessThan((await box('action-us-east-1-infrastructure')).y);
    expect((await box('action-us-east-1-infrastructure')).y).toBeLessThan((await box('action-ap-southeast-2-infrastructure')).y);
    expect((await box('action-ap-southeast-2-infrastructure')).x).toBeLessThan((await box('action-ap-southeast-2-prepare')).x);
    expect((await box('action-ap-southeast-2-prepare')).y).toBe((await box('action-ap-southeast-2-infrastructure')).y);
    expect(await page.getByTestId('lane-progress-Deploy-eu-west-1').textContent()).toBe('3 of 3 steps done');

    const sydney = opensAt['ap-southeast-2'] ?? '';
    const local = zoned(sydney, ZONES['ap-southeast-2'], 'en-AU');
    expect(local).toMatch(/^\w{3} \d\d:00 AE[DS]T$/);
    const waiting = page.getByTestId('waits-for-ap-southeast-2-infrastructure');
    expect(await waiting.textContent()).toBe(`Waits for its window, opens ${local} (${sydney.slice(0, 10)} ${sydney.slice(11, 16)}Z)`);
    const newYork = opensAt['us-east-1'] ?? '';
    expect(await page.getByTestId('waits-for-us-east-1-infrastructure').textContent()).toContain(`opens ${zoned(newYork, ZONES['us-east-1'], 'en-US')} (`);
    expect(await page.getByTestId('waits-for-ap-southeast-2-prepare').textContent()).toBe(
      `Waits for an earlier step of its lane: ap-southeast-2-infrastructure (waiting for its window, opens ${local})`,
    );
    // Not the step just before it: the one that holds the lane.
    expect(await page.getByTestId('waits-for-ap-southeast-2-execute').textContent()).toContain('ap-southeast-2-infrastructure (waiting for its window');
    expect(await page.getByTestId('wait-ap-southeast-2-execute').locator('time').getAttribute('datetime')).toBe(sydney);
    // A viewer is offered no override.
    expect(await page.getByRole('button', { name: 'Override window…' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await page.context().close();
  });

  it('fits a phone: the lanes become a list, lane by lane', async () => {
    const { page, pageErrors } = await signIn(browser, served.url, viewer, { hash: `#/executions/${executionId}`, viewport: { width: 390, height: 844 } });
    await page.getByTestId('lanes-Deploy').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const y = async (id: string) => (await page.getByTestId(id).boundingBox())?.y ?? 0;
    expect(await y('lane-Deploy-us-east-1')).toBeLessThan(await y('action-us-east-1-infrastructure'));
    expect(await y('action-us-east-1-execute')).toBeLessThan(await y('lane-Deploy-ap-southeast-2'));
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it("follow the night: each lane's steps on the timeline and in the table, with their windows", async () => {
    const { page, pageErrors } = await signIn(browser, served.url, viewer, { hash: '#/pipelines/lanes/night' });
    const table = page.getByTestId('plan-lanes-Deploy');
    await table.waitFor();
    const sydney = page.getByTestId('plan-step-ap-southeast-2-infrastructure');
    const row = (await sydney.textContent()) ?? '';
    // A window in ap-southeast-2's zone, with its day: `Sat 05 Dec 02:00 – 03:00`.
    expect(row).toMatch(/[A-Z][a-z]{2} \d\d [A-Z][a-z]{2} \d\d:00 – (?:[A-Z][a-z]{2} \d\d [A-Z][a-z]{2} )?\d\d:00/);
    expect(await page.getByTestId('plan-step-ap-southeast-2-execute').textContent()).toContain('ap-southeast-2-execute');
    for (const region of Object.keys(ZONES)) expect(await page.getByTestId(`timeline-${region}`).locator('.timeline__step').count()).toBeGreaterThanOrEqual(1);
    const bar = page.getByTestId('timeline-step-ap-southeast-2-infrastructure');
    expect(await bar.getAttribute('title')).toContain('Deploy runOrder 1: ap-southeast-2-infrastructure');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('an operator lets one lane go: its confirmation names all its remaining steps, and they all run', async () => {
    const { page, pageErrors } = await signIn(browser, served.url, operator, { hash: `#/executions/${executionId}` });
    await page.getByTestId('lanes-Deploy').waitFor();
    // One override per lane, on the step that waits for the window.
    expect(await page.getByTestId('action-us-east-1-prepare').getByRole('button', { name: 'Override window…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Override window…' }).count()).toBe(2);
    const card = page.getByTestId('action-us-east-1-infrastructure');
    await card.getByRole('button', { name: 'Override window…' }).click();
    expect(await card.getByTestId('override-lane-us-east-1').textContent()).toContain(
      'all its 3 remaining steps (us-east-1-infrastructure, us-east-1-prepare, us-east-1-execute)',
    );
    await card.getByLabel('Reason (required)').fill('customer waiting on the fix');
    await card.getByRole('button', { name: 'Deploy us-east-1 now' }).click();
    await expect.poll(() => page.getByTestId('action-status-us-east-1-execute').getAttribute('data-status'), { timeout: 30_000 }).toBe('Succeeded');
    await expect.poll(() => page.getByTestId('lane-progress-Deploy-us-east-1').textContent()).toBe('3 of 3 steps done');
    // The other lane keeps its window.
    expect(await page.getByTestId('action-status-ap-southeast-2-infrastructure').getAttribute('data-status')).toBe('Waiting');
    expect(await page.getByTestId('execution-status').getAttribute('data-status')).toBe('InProgress');
    await expect.poll(() => page.getByTestId('events').textContent()).toContain('customer waiting on the fix');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
