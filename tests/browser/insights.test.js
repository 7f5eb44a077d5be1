// Insights in headless Chromium, against the release binary on a demo with
// its twelve weeks of history: the tiles and charts render from the
// summary, the filters change the numbers and stay in the address, the
// charts answer the keyboard and carry tables, the agents' table sorts, a
// completion elsewhere updates the page live; axe finds nothing in the light
// or the dark scheme, and a 360 px phone scrolls only downwards. The run
// photographs the page for the README (docs/insights.png).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALEX, accessibilityProblems, session, signIn, startServer, withBrowser } from './harness.js';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs');

let server;
before(async () => {
  server = await startServer(['--demo-history-weeks', '12']);
});
after(async () => {
  await server?.stop();
});

const tile = (page, id) => page.locator(`#${id} .tile-value`);
const number = async (page, id) => Number((await tile(page, id).textContent()).replace(/[^\d.]/g, ''));

/** Alex on the Reports view, its numbers loaded. */
async function openInsights(browser, viewport = { width: 1366, height: 900 }, colorScheme = 'light') {
  const page = await (await browser.newContext({ viewport, colorScheme })).newPage();
  await signIn(page, server.base, ALEX);
  await page.getByRole('link', { name: 'Insights' }).click();
  await page.waitForURL(/\/agent\/insights/);
  await page.getByRole('heading', { name: 'Insights', level: 1 }).waitFor();
  await tile(page, 'tile-created').waitFor();
  return page;
}

test('the summary renders as tiles and charts, and the filters change it and stay in the address', async () => {
  await withBrowser('insights-filters', async (browser) => {
    const page = await openInsights(browser);
    const all = await number(page, 'tile-created');
    assert.ok(all > 50, `conversations in the last 30 days: ${all}`);
    assert.match(await page.locator('#tile-first-response .tile-value').textContent(), /min|h|s/);
    assert.match(await page.locator('#tile-csat .tile-value').textContent(), /%/);
    assert.match(await page.locator('#tile-created .tile-change').textContent(), /vs previous|same as before/);
    // One group per day of the range, bars drawn for both series.
    const volume = page.locator('#chart-volume');
    assert.equal(await volume.locator('g.slot').count(), 30);
    assert.ok((await volume.locator('rect.bar.series-0[height]').evaluateAll((r) => r.filter((x) => Number(x.getAttribute('height')) > 0).length)) > 10);
    assert.ok((await page.locator('#chart-first-response rect.bar').count()) >= 8);
    // The agents' table: one row per assigned agent, sortable.
    const rows = page.locator('.agents tbody tr');
    assert.equal(await rows.count(), 3);
    const completed = page.getByRole('button', { name: /^Completed/ });
    await completed.click();
    assert.equal(await page.locator('.agents th[aria-sort=descending]').textContent(), 'Completed ↓');
    const counts = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[2].textContent.replace(/\D/g, ''))));
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
    assert.ok((await page.locator('.comments li').count()) > 0, 'the latest comments are listed');

    // An agent: fewer conversations, and the filter in the address.
    await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'Simon Blackhouse' });
    await page.waitForURL(/agent_id=1/);
    await page.waitForFunction((all) => Number(document.querySelector('#tile-created .tile-value').textContent.replace(/\D/g, '')) < all, all);
    const simons = await number(page, 'tile-created');
    assert.ok(simons > 0 && simons < all, `${simons} of ${all}`);
    assert.equal(await page.locator('.agents tbody tr').count(), 1);
    // By week, over 90 days: thirteen or fourteen weeks.
    await page.getByLabel('Period', { exact: true }).selectOption('90');
    await page.getByLabel('By', { exact: true }).selectOption('week');
    await page.waitForURL(/days=90.*interval=week|interval=week.*days=90/);
    await page.waitForFunction(() => {
      const n = document.querySelectorAll('#chart-volume g.slot').length;
      return n >= 13 && n <= 14;
    });
    // A reload keeps the view.
    await page.reload();
    await tile(page, 'tile-created').waitFor();
    assert.equal(await page.getByLabel('Agent', { exact: true }).inputValue(), '1');
    assert.equal(await page.getByLabel('By', { exact: true }).inputValue(), 'week');
    assert.equal(await number(page, 'tile-created') > simons, true, 'ninety days hold more than thirty');
    // A channel nothing came by: zeros, and no error.
    await page.getByLabel('Channel', { exact: true }).selectOption('FACEBOOK');
    await page.waitForFunction(() => document.querySelector('#tile-created .tile-value').textContent.trim() === '0');
    assert.equal(await page.locator('#tile-first-response .tile-value').textContent(), '–');
    assert.equal(await page.locator('.insights .error').count(), 0);
  });
});

test('the charts answer the keyboard, carry a table, and the page updates when a conversation completes', async () => {
  await withBrowser('insights-live', async (browser) => {
    const page = await openInsights(browser);
    const chart = page.locator('#chart-volume svg');
    await chart.focus();
    await page.keyboard.press('End');
    const reading = page.locator('#chart-volume .reading');
    assert.match(await reading.textContent(), /: Created \d+, Completed \d+$/);
    await page.keyboard.press('ArrowLeft');
    const earlier = await reading.textContent();
    await page.keyboard.press('Home');
    assert.notEqual(await reading.textContent(), earlier);
    // The same numbers as a table.
    await page.locator('#chart-volume summary').click();
    assert.equal(await page.locator('#chart-volume table tbody tr').count(), 30);

    // A conversation starts and completes elsewhere: the page follows.
    const before = await number(page, 'tile-completed');
    const customer = await session(server.base, 'mark@atmospherecoffee.com');
    const alex = await session(server.base, ALEX.email);
    const c = await customer('POST', '/conversations', { subject: 'Quick question about filters', contents: 'Which filter fits?' });
    await alex('POST', `/conversations/${c.data.id}/messages`, { contents: 'The 58 mm one.' });
    await alex('PUT', `/conversations/${c.data.id}`, { status_id: 4, assigned_agent_id: 5 });
    await page.waitForFunction(
      (before) => Number(document.querySelector('#tile-completed .tile-value').textContent.replace(/\D/g, '')) === before + 1,
      before,
      { timeout: 15000 },
    );
  });
});

test('insights are accessible in light and dark, fit a phone, and photograph for the README', async () => {
  await withBrowser('insights-quality', async (browser) => {
    for (const scheme of ['light', 'dark']) {
      const page = await openInsights(browser, { width: 1280, height: 1000 }, scheme);
      await page.locator('#chart-resolution summary').click();
      const problems = await accessibilityProblems(page);
      assert.deepEqual(problems, [], `${scheme}: ${problems.join('\n')}`);
      if (scheme === 'light') {
        await page.locator('#chart-resolution summary').click();
        await page.waitForLoadState('networkidle');
        await page.screenshot({ path: join(DOCS, 'insights.png'), fullPage: true });
      } else {
        const background = await page.locator('.reports').evaluate((e) => getComputedStyle(e).backgroundColor);
        assert.equal(background, 'rgb(17, 21, 31)', 'the dark scheme is dark');
      }
    }
    const phone = await openInsights(browser, { width: 360, height: 760 });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the page is ${width} px wide on a 360 px screen`);
    assert.ok((await phone.locator('#chart-volume svg').boundingBox()).width <= 340);
    assert.deepEqual(await accessibilityProblems(phone), []);
  });
});

test('collaborators are told insights are not theirs, and the inbox offers no link to them', async () => {
  await withBrowser('insights-collaborator', async (browser) => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server.base, { email: 'jordan@brewfictus.com', password: 'brewfictus-demo' }, '/agent/insights');
    await page.getByText('Insights are for agents, admins and owners.').waitFor();
    await page.goto(`${server.base}/agent/`);
    await page.getByRole('heading', { name: /All conversations/ }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Insights' }).count(), 0);
  });
});
