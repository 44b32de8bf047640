/**
 * Debian's chromium driven by playwright-core (no browser download works here; `.ci/run`
 * installs the package). One browser per test file; a fresh context (cookies, session
 * storage) per page.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export interface DashboardPage {
  page: Page;
  /** Requests the page made to anything but the server under test. */
  foreignRequests: string[];
  /** Errors the page's scripts threw or logged. */
  pageErrors: string[];
}

/** Opens the dashboard (at `hash`, e.g. `#/executions/ID`) and signs in by pasting `token` into the form, as a person would. */
export async function signIn(browser: Browser, url: string, token: string, options: BrowserContextOptions & { hash?: string } = {}): Promise<DashboardPage> {
  const { hash = '', ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  const origin = new URL(url).origin;
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(`${url}/${hash}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  return { page, foreignRequests, pageErrors };
}
