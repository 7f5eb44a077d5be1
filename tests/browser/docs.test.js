// The API reference at /docs: Swagger UI, served from the binary under the
// pages' strict CSP, renders every operation of this server's OpenAPI
// document, and "Try it out" calls this server with the credentials given
// under "Authorize".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, withBrowser } from './harness.js';

let server;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test('the reference renders every operation and tries one against this server', async () => {
  await withBrowser('docs', async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));

    await page.goto(`${server.base}/docs`);
    await page.locator('.opblock').first().waitFor();
    const doc = await (await fetch(`${server.base}/api/v1/openapi.json`)).json();
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    assert.equal(await page.locator('.opblock').count(), operations, 'one block per documented operation');
    assert.ok(await page.getByText('Parley', { exact: false }).first().isVisible());

    // Sign in under Authorize with a session, then try GET /api/v1/session.
    const session = await (
      await fetch(`${server.base}/api/v1/session`, {
        headers: {
          authorization: `Basic ${Buffer.from('simon@brewfictus.com:brewfictus-demo').toString('base64')}`,
          'x-csrf': 'false',
        },
      })
    ).json();
    await page.getByRole('button', { name: /Authorize/ }).first().click();
    const dialog = page.locator('.modal-ux');
    const scheme = dialog.locator('.auth-container').filter({ hasText: 'X-Session-ID' });
    await scheme.locator('input').fill(session.session_id);
    await scheme.locator('button.authorize').click();
    await dialog.locator('button.btn-done').first().click();

    const block = page.locator('#operations-Users_and_teams-getApiV1Session');
    await block.locator('.opblock-summary').click();
    await block.getByRole('button', { name: 'Try it out' }).click();
    await block.getByRole('button', { name: 'Execute' }).click();
    const status = block.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    assert.equal((await status.textContent()).trim(), '200');
    assert.match(await block.locator('.live-responses-table .microlight').first().textContent(), /simon@brewfictus\.com/);

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    const elsewhere = requests.filter((u) => !u.startsWith(server.base) && !u.startsWith('data:'));
    assert.deepEqual(elsewhere, [], 'nothing is loaded from another origin');
  });
});
