// The agent inbox on a read-only standby (`parley serve --read-only`) in
// headless Chromium: signing in works (the session held in the standby's
// memory), conversations and their messages read as on the primary, and a
// reply is refused at once with the standby's own words, naming the primary,
// and left unsent.
// The copy here is a generated instance served as it is; the tests in
// tests/api/standby.rs cover a copy that Litestream keeps current.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SIMON, generated, signIn, startServer, withBrowser } from './harness.js';

const PRIMARY = 'https://primary.example.com';
let server;
before(async () => {
  server = await startServer(['--read-only', '--primary-url', PRIMARY], { dir: generated(20) });
});
after(async () => {
  await server?.stop();
});

test('the inbox reads a standby and says where replies go', async () => {
  await withBrowser('standby-inbox', async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await signIn(page, server.base, SIMON);
    await page.getByRole('heading', { name: /All conversations/ }).waitFor();
    const first = page.locator('.items .item').first();
    const subject = (await first.locator('.subject').textContent())?.trim();
    assert.ok(subject, 'the list shows conversations');
    await first.click();
    await page.getByRole('heading', { name: subject }).waitFor();
    await page.locator('.timeline .message').first().waitFor();

    await page.getByLabel('Reply').fill('Sent to a standby');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText(/read-only standby/).first().waitFor();
    assert.match(await page.getByText(/read-only standby/).first().textContent(), new RegExp(PRIMARY.replaceAll('.', '\\.')));
    // Kept in the composer's outbox as not sent, at once (a standby's refusal is not retried).
    await page.locator('.timeline .message', { hasText: 'Sent to a standby' }).getByText('Not sent').waitFor({ timeout: 3000 });
    assert.doesNotMatch(server.log(), /ERROR|panicked/);
  });
});
