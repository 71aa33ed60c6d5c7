/// <reference lib="dom" />
// Headless Chromium for the HTML report's tests: a page at 1280 px that collects console errors.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Where the report and its screenshots go, for a person to look at. */
export const OUT = join(REPO_ROOT, '.lab', 'test-output');

/** Writes the report into OUT and launches Chromium; returns the report's path. */
export async function launchWithReport(name: string, html: string): Promise<{ browser: Browser; file: string }> {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, name);
  writeFileSync(file, html);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  return { browser, file };
}

/** Opens the report at 1280 × 900 and waits until the story diagram was drawn (or failed). */
export async function openReport(browser: Browser, file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.body.dataset.mermaid !== undefined, undefined, { timeout: 30_000 });
  return { page, errors };
}

/**
 * For one describe block: before its tests, writes the report (`html()`) into OUT as `name` and
 * launches Chromium; after them, closes it. `open()` opens the report in a fresh page.
 */
export function reportInChromium(name: string, html: () => Promise<string>): { open: () => Promise<{ page: Page; errors: string[] }> } {
  let browser: Browser | undefined;
  let file = '';
  beforeAll(async () => {
    ({ browser, file } = await launchWithReport(name, await html()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return { open: () => openReport(browser!, file) };
}
