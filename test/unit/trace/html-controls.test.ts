/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The HTML report's time slider and filters in headless Chromium at 1280 px: no console errors,
// moving the slider changes the state shown, the filters hide timeline and waterfall rows.
// Screenshots go to .lab/test-output/ for a person to look at.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { toHtml } from '../../../lab/trace/export/html.js';
import { stateTimeline } from '../../../lab/trace/object-states.js';
import { HAS_CHROMIUM, OUT, reportInChromium } from './chromium.js';
import { scaleTrace } from './story-traces.js';

async function moveSlider(page: Page, tMs: number): Promise<string> {
  await page.evaluate((t) => {
    const slider = document.getElementById('moment') as HTMLInputElement;
    slider.value = String(t);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  }, tMs);
  return (await page.locator('#moment-summary').textContent()) ?? '';
}

const visible = (page: Page, selector: string) => page.locator(`${selector}:not([hidden])`).count();

describe.skipIf(!HAS_CHROMIUM)('the HTML report\'s slider and filters in Chromium at 1280 px', () => {
  const entries = scaleTrace('lab', 2, 4);
  const timeline = stateTimeline(entries);
  const report = reportInChromium('controls-report.html', () => toHtml(entries, { title: 'scale 2 → 4 (synthetic trace)' }));

  it('the slider shows the state of every object at the chosen moment; the filters hide rows', async () => {
    const { page, errors } = await report.open();

    // Opens at the end: the scale-up is done.
    expect(await page.locator('#moment-summary').textContent()).toBe(`At +${timeline.endMs} ms: 1 Deployment(s), 1 ReplicaSet(s), 4 pod(s) (4 Running).`);
    await page.locator('#states-view').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'moment-end.png') });

    const firstPod = timeline.changes.find(([, i]) => timeline.objects[i]!.kind === 'Pod')![0];
    expect(await moveSlider(page, firstPod)).toBe(`At +${firstPod} ms: 1 Deployment(s), 1 ReplicaSet(s), 1 pod(s) (1 Pending).`);
    expect(await page.locator('#states tbody tr').count()).toBe(3);
    await page.screenshot({ path: join(OUT, 'moment-first-pod.png') });
    expect(await moveSlider(page, timeline.startMs)).toContain('0 Deployment(s), 0 ReplicaSet(s), 0 pod(s)');
    await moveSlider(page, timeline.endMs);

    // Filters: a pod's name keeps its timeline rows and its one waterfall row.
    const allRows = await visible(page, '#timeline tbody tr');
    expect(await visible(page, '#waterfall .pod-row')).toBe(4);
    const pod = (await page.locator('#waterfall .pod-row').first().getAttribute('data-pod'))!;
    await page.locator('#f-pod').fill(pod);
    expect(await visible(page, '#waterfall .pod-row')).toBe(1);
    const podRows = await visible(page, '#timeline tbody tr');
    expect(podRows).toBeGreaterThan(0);
    expect(podRows).toBeLessThan(allRows);
    expect(await page.locator('#timeline tbody tr:not([hidden])').evaluateAll((trs, p) => trs.every((tr) => (tr as HTMLElement).dataset.pod === p), pod)).toBe(true);
    await page.locator('#f-pod').fill('');

    // By kind: ReplicaSets only hides every pod row; by component: the scheduler's rows only.
    await page.locator('#f-kind').selectOption('ReplicaSet');
    expect(await visible(page, '#waterfall .pod-row')).toBe(0);
    expect(await page.locator('#timeline tbody tr:not([hidden]) td:nth-child(6)').allTextContents()).toSatisfy((cells: string[]) => cells.length > 0 && cells.every((c) => c.startsWith('replicaset/')));
    await page.locator('#f-kind').selectOption('');
    await page.locator('#f-actor').selectOption('scheduler');
    expect(await page.locator('#timeline tbody tr:not([hidden])').evaluateAll((trs) => trs.every((tr) => (tr as HTMLElement).dataset.actor === 'scheduler'))).toBe(true);
    expect(await visible(page, '#waterfall .pod-row')).toBe(4);
    expect(await page.locator('#f-count').textContent()).toMatch(/^\d+ of \d+ timeline rows shown$/);
    await page.locator('#filters').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'filters.png') });

    // Readable at 1280 px: no text below 12 px in the controls and the state table.
    const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('#filters *, #states-view *')]
      .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''))
      .map((el) => parseFloat(getComputedStyle(el).fontSize))));
    expect(smallest).toBeGreaterThanOrEqual(12);
    expect(errors).toEqual([]);
  }, 120_000);
});
