/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The HTML report's story-first view in headless Chromium at 1280 px: it renders without console
// errors, its text is at least 12 px, every step opens onto its timeline rows, and the waterfall
// has one bar row per pod. Screenshots go to .lab/test-output/ for a person to look at.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIMELINE_OPEN_MAX, toHtml } from '../../../lab/trace/export/html.js';
import { podWaterfall } from '../../../lab/trace/waterfall.js';
import { HAS_CHROMIUM, OUT, reportInChromium } from './chromium.js';
import { rollingUpdateTrace, scaleTrace } from './story-traces.js';

describe.skipIf(!HAS_CHROMIUM)('the HTML report in Chromium at 1280 px', () => {
  const entries = rollingUpdateTrace('lab');
  const pods = podWaterfall(entries);
  const report = reportInChromium('story-report.html', () => toHtml(entries, { title: 'rolling update (synthetic trace)' }));

  it('shows the story first, readable, every step expanding onto its rows; one waterfall row per pod', async () => {
    const { page, errors } = await report.open();
    expect(await page.evaluate(() => document.body.dataset.mermaid)).toBe('rendered');

    const firstHeading = await page.locator('h2').first().textContent();
    expect(firstHeading).toBe('The story, step by step');
    await page.screenshot({ path: join(OUT, 'story-closed.png') });

    const steps = page.locator('#story li.step');
    const count = await steps.count();
    expect(count).toBe(11 + 18);
    for (let i = 0; i < count; i++) await steps.nth(i).locator('summary').click();
    for (let i = 0; i < count; i++) expect(await steps.nth(i).locator('details').getAttribute('open')).not.toBeNull();
    // Each step's rows are copied in its `toggle` event, fired in a task after the click: wait for the last.
    await page.waitForFunction(() => [...document.querySelectorAll('#story li.step table.rows')].every((t) => (t as HTMLElement).dataset.filled === 'yes'), null, { timeout: 10_000 });
    expect(await page.locator('#story li.step table.rows tbody tr').count()).toBeGreaterThan(count);
    await page.locator('#story li.step').nth(4).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'story-open.png') });

    // Text a person reads without zooming: nothing in the story or the waterfall below 12 px.
    const smallest = await page.evaluate(() => {
      const sizes = [...document.querySelectorAll('#story *, #waterfall *')]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''))
        .map((el) => parseFloat(getComputedStyle(el).fontSize));
      return Math.min(...sizes);
    });
    expect(smallest).toBeGreaterThanOrEqual(12);
    // The story diagram's labels as drawn: Mermaid scales the SVG to the page, so font size × scale.
    const diagramText = await page.evaluate(() => {
      const svg = document.querySelector('pre.mermaid svg') as SVGSVGElement;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return Math.min(...[...svg.querySelectorAll('text.messageText')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
    });
    expect(diagramText).toBeGreaterThanOrEqual(12);

    const rows = page.locator('#waterfall .pod-row');
    expect(await rows.count()).toBe(pods.length);
    expect(pods.length).toBe(6);
    expect(await rows.first().locator('.seg').count()).toBe(6);
    await page.locator('#waterfall').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'waterfall.png') });

    // The folded diagrams are drawn when opened.
    await page.locator('details.diagram summary').first().click();
    await page.waitForSelector('details.diagram pre.mermaid svg', { timeout: 30_000 });
    expect(errors).toEqual([]);
  }, 120_000);
});

describe.skipIf(!HAS_CHROMIUM)('a large report (a 100-pod scale-up) in Chromium', () => {
  const entries = scaleTrace('lab', 3, 100);
  const report = reportInChromium('large-report.html', () => toHtml(entries, { title: 'scale-up to 100 (synthetic trace)' }));

  it('starts with the timeline closed (not laid out), and its rows still serve the steps and the filters', async () => {
    expect(entries.length).toBeGreaterThan(TIMELINE_OPEN_MAX);
    const { page, errors } = await report.open();
    expect(await page.locator('#timeline-section').getAttribute('open')).toBeNull();
    expect(await page.locator('#timeline tbody tr').count()).toBe(entries.length);
    // A step copies its rows out of the closed timeline.
    const step = page.locator('#story li.step').nth(3);
    await step.locator('summary').click();
    // The copy is made in the `toggle` event, which the browser fires in a task after the click.
    await step.locator('table.rows tbody tr').first().waitFor({ state: 'visible', timeout: 10_000 });
    expect(await step.locator('table.rows tbody tr').count()).toBeGreaterThan(0);
    // The filters count the rows there too.
    await page.locator('#f-actor').selectOption('scheduler');
    expect(await page.locator('#f-count').textContent()).toMatch(new RegExp(`^\\d+ of ${entries.length} timeline rows shown$`));
    // Opened, the timeline shows its rows.
    await page.locator('#timeline-section > summary').click();
    expect(await page.locator('#timeline tbody tr:not([hidden])').first().isVisible()).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);
});
