// How the apps are built: axe-core finds no serious or critical problem on
// any screen; each app's JavaScript and CSS stays under its budget; a 360 px
// phone needs no sideways scrolling; the keyboard does what the inbox
// promises; sign-in shows the server's refusals, including when to retry.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessibilityProblems, scriptAndStyleBytes, startServer, withBrowser } from './harness.js';

/** Signatures made so far: each is one second older, so none verifies two devices. */
let signed = 0;

const BUDGET = 150 * 1024;
const SIMON = { email: 'simon@brewfictus.com', password: 'brewfictus-demo' };
let server;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

async function signIn(page, { email, password } = SIMON) {
  await page.goto(`${server.base}/agent`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

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
