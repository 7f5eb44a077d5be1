// How the apps are built: axe-core finds no serious or critical problem on
// any screen; each app's JavaScript and CSS stays under its budget; a 360 px
// phone needs no sideways scrolling; the keyboard does what the inbox
// promises; sign-in shows the server's refusals, including when to retry.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIMON, accessibilityProblems, scriptAndStyleBytes, signIn as signInAt, startServer, withBrowser } from './harness.js';

/** Signatures made so far: each is one second older, so none verifies two devices. */
let signed = 0;

const BUDGET = 150 * 1024;
let server;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const signIn = (page, who = SIMON) => signInAt(page, server.base, who);

/** The Messenger, verified as Caryn (the demo customer with conversations of every kind). */
async function asCaryn(page) {
  const token = readFileSync(join(server.dir, 'messenger.key'), 'utf8').trim();
  // One signature verifies one device: each page gets its own (an older second).
  const timestamp = Math.floor(Date.now() / 1000) - signed++;
  const [name, email] = ['Caryn Pryor', 'caryn@atmospherecoffee.com'];
  const signature = createHmac('sha256', token).update(`v2|${Buffer.byteLength(name)}|${name}|${Buffer.byteLength(email)}|${email}|${timestamp}`).digest('hex');
  const claim = Buffer.from(JSON.stringify({ name, email, timestamp, signature })).toString('base64');
  await page.goto(`${server.base}/messenger#identity=${claim}`);
  await page.getByRole('button', { name: /Latte art refresher/ }).waitFor();
}

async function noProblems(page, screen) {
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `${screen}: ${problems.join('\n')}`);
}

async function noSidewaysScroll(page, screen) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `${screen} is ${scroll} px wide on a ${width} px screen`);
}

for (const [label, viewport] of [
  ['a phone', { width: 360, height: 740 }],
  ['a desktop', { width: 1280, height: 860 }],
]) {
  test(`every Messenger screen is accessible and fits ${label}`, async () => {
    await withBrowser(`messenger-quality-${viewport.width}`, async (browser) => {
      const page = await (await browser.newContext({ viewport })).newPage();
      await asCaryn(page);
      await noProblems(page, 'home');
      await noSidewaysScroll(page, 'home');
      // A completed conversation with its rating.
      await page.getByRole('button', { name: /Latte art refresher/ }).click();
      await page.getByRole('heading', { name: 'Your rating' }).waitFor();
      await noProblems(page, 'thread with rating');
      await noSidewaysScroll(page, 'thread');
      await page.getByRole('button', { name: 'Back to conversations' }).click();
      // A new conversation, with the server's validation shown.
      await page.getByRole('button', { name: 'Start a conversation' }).click();
      await page.getByLabel('Topic').selectOption({ label: 'Warranty claim' });
      await page.getByLabel('Serial number').fill('nope');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.locator('.field-error').first().waitFor();
      await noProblems(page, 'new conversation with errors');
      await noSidewaysScroll(page, 'new conversation');
      // The demo shop with the launcher, and the messenger inside it.
      await page.goto(`${server.base}/messenger/demo`);
      await page.getByRole('button', { name: /Open messages/ }).click();
      await noProblems(page, 'demo shop');
      const frame = page.frame({ url: /\/messenger$|\/messenger#/ });
      await frame.getByRole('button', { name: 'Start a conversation' }).waitFor();
      await noProblems(frame, 'embedded messenger');
    });
  });

  test(`every inbox screen is accessible and fits ${label}`, async () => {
    await withBrowser(`agent-quality-${viewport.width}`, async (browser) => {
      const page = await (await browser.newContext({ viewport })).newPage();
      await page.goto(`${server.base}/agent`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await noProblems(page, 'sign-in');
      await noSidewaysScroll(page, 'sign-in');
      await signIn(page);
      await page.getByRole('heading', { name: /All conversations/ }).waitFor();
      await noProblems(page, 'inbox');
      await noSidewaysScroll(page, 'inbox');
      await page.locator('.items .item').first().click();
      await page.getByLabel('Status').waitFor();
      await page.locator('.timeline .message').first().waitFor();
      await noProblems(page, 'conversation');
      await noSidewaysScroll(page, 'conversation');
      // The desk: a note being written with mention suggestions, the saved replies, search, notifications.
      await page.getByRole('button', { name: 'Private note' }).click();
      await page.getByLabel('Private note').fill('Ask @a');
      await page.getByRole('listbox', { name: 'Agents to mention' }).waitFor();
      await page.locator('.timeline .note').first().waitFor().catch(() => {});
      await noProblems(page, 'note with mention suggestions');
      await noSidewaysScroll(page, 'note');
      await page.getByLabel('Private note').fill('');
      await page.getByRole('button', { name: 'To the customer' }).click();
      await page.getByRole('button', { name: 'Saved replies' }).click();
      await page.locator('.macros .macro').first().waitFor();
      await noProblems(page, 'saved replies');
      await noSidewaysScroll(page, 'saved replies');
      await page.locator('.macros .macro').first().click();
      await page.locator('.macro-applied').waitFor();
      await noProblems(page, 'a saved reply with its changes');
      await page.getByRole('searchbox').fill('espresso');
      await page.locator('.hits .item').first().waitFor();
      await noProblems(page, 'search results');
      await noSidewaysScroll(page, 'search results');
      await page.getByRole('button', { name: /^Notifications/ }).click();
      await page.locator('#notifications').waitFor();
      await noProblems(page, 'notifications');
      await noSidewaysScroll(page, 'notifications');
    });
  });
}

test('each app loads under 150 KB of JavaScript and CSS', async () => {
  await withBrowser('budget', async (browser) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.base}/messenger`);
    await page.getByRole('button', { name: 'Start a conversation' }).waitFor();
    const messenger = await scriptAndStyleBytes(page);
    await signIn(page);
    await page.getByRole('heading', { name: /All conversations/ }).waitFor();
    const agent = await scriptAndStyleBytes(page);
    console.log(`budget: messenger ${messenger} bytes, agent inbox ${agent} bytes (of ${BUDGET})`);
    assert.ok(messenger > 10000 && messenger < BUDGET, `messenger: ${messenger} bytes`);
    assert.ok(agent > 10000 && agent < BUDGET, `agent inbox: ${agent} bytes`);
  });
});

test('the inbox works from the keyboard: j and k move, r replies, Ctrl+Enter sends', async () => {
  await withBrowser('keyboard', async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await signIn(page);
    await page.getByRole('heading', { name: /All conversations/ }).waitFor();
    const items = page.locator('.items .item');
    await items.first().waitFor();
    const subjects = await items.locator('.subject').allTextContents();
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: subjects[0], exact: true }).waitFor();
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: subjects[1], exact: true }).waitFor();
    await page.keyboard.press('k');
    await page.getByRole('heading', { name: subjects[0], exact: true }).waitFor();
    await page.locator('.timeline .message').first().waitFor();
    await page.keyboard.press('r');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reply');
    await page.keyboard.type('Sent from the keyboard');
    await page.keyboard.press('Control+Enter');
    await page.locator('.message.own:not(.pending)', { hasText: 'Sent from the keyboard' }).waitFor();
  });
});

test('the desk works from the keyboard alone: / searches, chips, results, saved replies and mentions', async () => {
  await withBrowser('keyboard-desk', async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await signIn(page);
    await page.getByRole('heading', { name: /All conversations/ }).waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('espresso');
    await page.locator('.hits .item').first().waitFor();
    // Tab reaches the chips; Space presses one.
    for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement.className)) !== 'chip'; i += 1) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Open');
    await page.keyboard.press('Space');
    assert.equal(await page.getByRole('searchbox').inputValue(), 'espresso status:open');
    await page.getByRole('searchbox').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('espresso');
    await page.getByText(/\d+ found for “espresso”/).waitFor();
    await page.keyboard.press('ArrowDown');
    const subject = await page.evaluate(() => document.activeElement.querySelector('.who')?.textContent);
    assert.ok(subject, 'a result has the focus');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: subject, exact: true }).waitFor();
    await page.keyboard.press('Escape');
    // r, then / in the empty box: the saved replies; arrows and Enter choose.
    await page.locator('.timeline .message').first().waitFor();
    await page.keyboard.press('r');
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement.id === 'macro-filter');
    await page.keyboard.press('ArrowDown');
    const title = await page.evaluate(() => document.activeElement.querySelector('.title')?.textContent);
    await page.keyboard.press('Enter');
    await page.locator('.macro-applied', { hasText: title }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reply');
    assert.ok((await page.getByLabel('Reply').inputValue()).length > 20);
    // Escape closes the picker without choosing.
    await page.getByLabel('Reply').fill('');
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement.id === 'macro-filter');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reply');
    assert.equal(await page.locator('.picker').count(), 0);
    // A note with a mention, from the keyboard.
    await page.getByRole('button', { name: 'Private note' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Private note').focus();
    await page.keyboard.type('Over to @Al');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Tab');
    assert.equal(await page.getByLabel('Private note').inputValue(), 'Over to @Alex Rivera ');
    await page.keyboard.press('Control+Enter');
    await page.locator('.timeline .note', { hasText: 'Over to @Alex Rivera' }).waitFor();
  });
});

test('sign-in shows the server refusing, and when a lockout ends', async () => {
  await withBrowser('signin', async (browser) => {
    const page = await (await browser.newContext()).newPage();
    const dana = { email: 'dana@northwindbeans.com', password: 'wrong' };
    for (let i = 0; i < 5; i += 1) {
      await signIn(page, dana);
      await page.getByRole('alert').getByText('The email or password is wrong').waitFor();
    }
    await signIn(page, { ...dana, password: 'brewfictus-demo' });
    await page.getByRole('alert').getByText(/try again in \d+ s/).waitFor();
    // A customer is not let into the inbox; an agent is, and can sign out.
    await signIn(page, { email: 'mark@atmospherecoffee.com', password: 'brewfictus-demo' });
    await page.getByText('This inbox is for the support team.').waitFor();
    await signIn(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('parley.agent'));
    assert.equal(stored, null);
  });
});
