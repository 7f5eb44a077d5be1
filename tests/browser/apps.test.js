// The Messenger and the agent inbox in headless Chromium, against the release
// binary on a fresh demo data directory: a customer and an agent hold a live
// conversation with a form field, typing, an image, receipts, a lost
// connection and a rating; a second device sees none of it; the embed works
// from another origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { SIMON, png, signIn as signInAt, startServer, withBrowser } from './harness.js';

/** Signatures made so far: each is one second older, so none verifies two devices. */
let signed = 0;

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});


const signIn = (page, who) => signInAt(page, server.base, who);

/** The agent's list entry for a subject. */
const listItem = (agent, subject) => agent.locator('.items .item', { hasText: subject });

test('a customer and an agent hold a live conversation, through a lost connection, to a rating', async () => {
  await withBrowser('live-conversation', async (browser) => {
    const customerContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const customer = await customerContext.newPage();
    const agent = await agentContext.newPage();

    // The agent signs in (a wrong password first: the server's message shows).
    await signIn(agent, { ...SIMON, password: 'not-it' });
    await agent.getByRole('alert').getByText('The email or password is wrong').waitFor();
    await signIn(agent, SIMON);
    await agent.getByRole('heading', { name: /All conversations/ }).waitFor();

    // The customer starts a conversation through the warranty form; the server's validation shows beside the field.
    await customer.goto(`${server.base}/messenger`);
    await customer.getByRole('button', { name: 'Start a conversation' }).click();
    await customer.getByLabel('Your name').fill('Robin Roast');
    await customer.getByLabel('Your email').fill('robin@roastery.example');
    await customer.getByLabel('Topic').selectOption({ label: 'Warranty claim' });
    await customer.getByLabel('Serial number').fill('bad serial');
    await customer.getByLabel('Message', { exact: true }).fill('My grinder stopped grinding');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    const serialError = customer.locator('[data-field="serial_number"] .field-error');
    await serialError.waitFor();
    assert.match(await serialError.textContent(), /Must match/);
    await customer.getByLabel('Serial number').fill('GR-3310');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await customer.getByRole('heading', { name: 'My grinder stopped grinding' }).waitFor();

    // It appears in the agent's inbox live; the agent opens it.
    await listItem(agent, 'My grinder stopped grinding').waitFor();
    await listItem(agent, 'My grinder stopped grinding').click();
    await agent.getByRole('heading', { name: 'My grinder stopped grinding' }).waitFor();

    // The agent sees who asked, and their other conversations (none yet).
    await agent.locator('.person', { hasText: 'robin@roastery.example' }).waitFor();

    // Each sees the other typing.
    await customer.getByLabel('Your message').pressSequentially('Also', { delay: 20 });
    await agent.getByText('Robin Roast is typing…').waitFor();
    await customer.getByLabel('Your message').fill('');
    await agent.getByLabel('Reply').pressSequentially('Let me check', { delay: 20 });
    await customer.getByText('Simon Blackhouse is typing…').waitFor();

    // The agent replies with an image; the customer sees it live, with its thumbnail.
    await agent.getByLabel('Reply').fill('Is this the part that broke?');
    await agent.locator('#reply-files').setInputFiles({ name: 'burrs.png', mimeType: 'image/png', buffer: await png(agent, 640, 400) });
    await agent.getByLabel('Reply').press('Control+Enter');
    const picture = customer.locator('.message.theirs', { hasText: 'Is this the part that broke?' });
    await picture.waitFor();
    await picture.locator('img[src^="blob:"]').waitFor();

    // The customer has seen it: the agent's message shows Seen.
    const sent = agent.locator('.message.own', { hasText: 'Is this the part that broke?' });
    await sent.getByRole('img', { name: 'Seen' }).waitFor();

    // The customer goes offline; the agent replies twice; back online, both arrive once each, in order.
    await customerContext.setOffline(true);
    await customer.getByText('Reconnecting…').waitFor();
    for (const text of ['First while you were away', 'Second while you were away']) {
      await agent.getByLabel('Reply').fill(text);
      await agent.getByRole('button', { name: 'Send', exact: true }).click();
      await agent.locator('.message.own:not(.pending)', { hasText: text }).waitFor();
    }
    await customerContext.setOffline(false);
    await customer.locator('.message', { hasText: 'Second while you were away' }).waitFor();
    const texts = await customer.locator('.message .text').allTextContents();
    const away = texts.filter((t) => t.endsWith('while you were away'));
    assert.deepEqual(away, ['First while you were away', 'Second while you were away']);
    await customer.getByText('Reconnecting…').waitFor({ state: 'detached' });

    // The agent completes the conversation; the customer rates it; the agent sees the rating.
    await agent.getByLabel('Status').selectOption({ label: 'Completed' });
    await agent.getByText('Status saved').waitFor();
    await customer.getByRole('heading', { name: 'How did we do?' }).waitFor();
    await customer.getByRole('button', { name: '👍 Good' }).click();
    await customer.getByLabel('Comment (optional)').fill('Quick fix, thanks');
    await customer.getByRole('button', { name: 'Send rating' }).click();
    await customer.getByText('Thank you for your feedback!').waitFor();
    await agent.locator('.rating-given', { hasText: 'Quick fix, thanks' }).waitFor();
    // It can be changed later.
    await customer.getByRole('button', { name: '👎 Bad' }).click();
    await customer.getByRole('button', { name: 'Update rating' }).click();
    await agent.locator('.rating-given', { hasText: 'Bad' }).waitFor();

    // A second device sees none of it.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`${server.base}/messenger`);
    await stranger.getByText('No conversations yet.').waitFor();
  });
});

test('the embed opens the messenger from a page of another origin', async () => {
  // The shop signs Caryn's identity for its /account page, as its backend would.
  const token = readFileSync(join(server.dir, 'messenger.key'), 'utf8').trim();
  const shop = createServer((req, res) => {
    let identity = '';
    if (req.url === '/account') {
      const [name, email, ts] = ['Caryn Pryor', 'caryn@atmospherecoffee.com', Math.floor(Date.now() / 1000) - signed++];
      const signature = createHmac('sha256', token).update(`v2|${Buffer.byteLength(name)}|${name}|${Buffer.byteLength(email)}|${email}|${ts}`).digest('hex');
      identity = `data-name="${name}" data-email="${email}" data-timestamp="${ts}" data-signature="${signature}"`;
    }
    if (req.url === '/frame') {
      // Another site framing the Messenger without the embed: it must learn nothing.
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><html lang="en"><head><title>Framer</title></head><body>
        <script>window.got = []; addEventListener('message', (e) => window.got.push(e.data));</script>
        <iframe id="framed" title="framed" src="${server.base}/messenger" width="400" height="600"></iframe></body></html>`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Another shop</h1>
      <script src="${server.base}/messenger.js" data-parley-url="${server.base}" ${identity} async></script></body></html>`);
  });
  await new Promise((r) => shop.listen(0, '127.0.0.1', r));
  const origin = `http://localhost:${shop.address().port}`;
  try {
    await withBrowser('embed', async (browser) => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(origin);
      const launcher = page.getByRole('button', { name: /Open messages/ });
      await launcher.click();
      const frame = page.frameLocator('#parley-messenger-frame');
      await frame.getByRole('button', { name: 'Start a conversation' }).click();
      await frame.getByLabel('Your name').fill('Sam Shopper');
      await frame.getByLabel('Your email').fill('sam@shop.example');
      await frame.getByLabel('Reported issues').fill('0');
      await frame.getByLabel('Message', { exact: true }).fill('Do you ship to Norway?');
      await frame.getByRole('button', { name: 'Send', exact: true }).click();
      await frame.getByRole('heading', { name: 'Do you ship to Norway?' }).waitFor();
      // Closed, the launcher counts the unread reply.
      await frame.getByRole('button', { name: 'Close messages' }).click();
      const api = await (await browser.newContext()).request;
      const login = await api.get(`${server.base}/api/v1/conversations?limit=1`, {
        headers: { Authorization: `Basic ${Buffer.from(`${SIMON.email}:${SIMON.password}`).toString('base64')}`, 'X-CSRF': 'false' },
      });
      const session = (await login.json()).session_id;
      const list = await (await api.get(`${server.base}/api/v1/conversations?limit=1`, { headers: { 'X-Session-ID': session } })).json();
      const id = list.data[0].id;
      await api.post(`${server.base}/api/v1/conversations/${id}/messages`, {
        headers: { 'X-Session-ID': session },
        data: { contents: 'Yes, we do.' },
      });
      await page.getByRole('button', { name: 'Open messages, 1 unread' }).waitFor();

      // Signed in at the shop, Caryn's device shows all of her conversations.
      const account = await (await browser.newContext()).newPage();
      await account.goto(`${origin}/account`);
      await account.getByRole('button', { name: /Open messages/ }).click();
      await account.frameLocator('#parley-messenger-frame').getByRole('button', { name: /Latte art refresher/ }).waitFor();

      // Framed by a page that is not its embed, the Messenger posts nothing, its fingerprint least of all.
      const framer = await (await browser.newContext()).newPage();
      await framer.goto(`${origin}/frame`);
      await framer.frameLocator('#framed').getByRole('button', { name: 'Start a conversation' }).waitFor();
      assert.deepEqual(await framer.evaluate(() => window.got), []);
    });
  } finally {
    shop.close();
  }
});

test('the messenger attaches files by drop and paste, and a send the network lost goes once when it is back', async () => {
  await withBrowser('attach-and-retry', async (browser) => {
    const context = await browser.newContext({ viewport: { width: 400, height: 760 } });
    const page = await context.newPage();
    await page.goto(`${server.base}/messenger`);
    await page.getByRole('button', { name: 'Start a conversation' }).click();
    await page.getByLabel('Your name').fill('Pat Paste');
    await page.getByLabel('Your email').fill('pat@paste.example');
    await page.getByLabel('Reported issues').fill('1');
    await page.getByLabel('Message', { exact: true }).fill('Files to follow');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('heading', { name: 'Files to follow' }).waitFor();

    // A file dropped on the conversation, and one pasted into the message box.
    const image = (await png(page, 300, 200)).toString('base64');
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const drop = new DataTransfer();
      drop.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      const zone = document.querySelector('.dropzone');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: drop, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
      const paste = new DataTransfer();
      paste.items.add(new File(['pasted notes'], 'pasted.txt', { type: 'text/plain' }));
      document.getElementById('reply').dispatchEvent(new ClipboardEvent('paste', { clipboardData: paste, bubbles: true }));
    }, image);
    const chosen = page.getByRole('list', { name: 'Files to send' });
    await chosen.getByText('dropped.png').waitFor();
    await chosen.getByText('pasted.txt').waitFor();
    await page.getByLabel('Your message').fill('Here they are');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page.locator('.message.own:not(.pending)', { hasText: 'Here they are' });
    await sent.locator('img[src^="blob:"]').waitFor();
    await sent.getByText('pasted.txt').waitFor();

    // Offline, a send waits and retries; back online it arrives once.
    await context.setOffline(true);
    await page.getByLabel('Your message').fill('Sent through a tunnel');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.message.pending', { hasText: 'Sent through a tunnel' }).waitFor();
    await context.setOffline(false);
    await page.locator('.message.own:not(.pending)', { hasText: 'Sent through a tunnel' }).waitFor();
    await page.locator('.message.pending').waitFor({ state: 'detached' });
    const copies = await page.locator('.message .text', { hasText: 'Sent through a tunnel' }).count();
    assert.equal(copies, 1);
  });
});

test('a form with a field of every type is rendered, validated by the server and stored', async () => {
  await withBrowser('every-field-type', async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await page.goto(`${server.base}/messenger`);
    await page.getByRole('button', { name: 'Start a conversation' }).click();
    await page.getByLabel('Your name').fill('Fran Fields');
    await page.getByLabel('Your email').fill('fran@fields.example');
    await page.getByLabel('Topic').selectOption({ label: 'Service visit request' });
    await page.getByLabel('Order number').fill('A-1001');
    await page.getByLabel('Machine model').selectOption({ label: 'Espresso machines' });
    await page.getByLabel('Espresso machines: which one?').selectOption({ label: 'Barista Pro 2' });
    await page.getByLabel('Water hardness (°dH)').fill('7.5');
    await page.getByLabel('Visit date').fill('2026-12-01');
    await page.getByRole('radio', { name: 'Afternoon' }).check();
    await page.getByLabel('Proof of purchase').setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('Paid in full') });
    await page.getByLabel('Message', { exact: true }).fill('Please come and have a look');
    // The required field is missing: the server says so beside it.
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const required = page.locator('[data-field="symptoms"] .field-error');
    await required.waitFor();
    assert.match(await required.textContent(), /requires the field/);
    await page.getByLabel(/What is wrong\?/).fill('It hisses and leaks');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('heading', { name: 'Please come and have a look' }).waitFor();

    // What the server stored, as an agent reads it.
    const auth = { Authorization: `Basic ${Buffer.from(`${SIMON.email}:${SIMON.password}`).toString('base64')}`, 'X-CSRF': 'false' };
    const list = await (await fetch(`${server.base}/api/v1/conversations?limit=1`, { headers: auth })).json();
    const session = { 'X-Session-ID': list.session_id };
    const c = await (await fetch(`${server.base}/api/v1/conversations/${list.data[0].id}?include=conversation_field`, { headers: session })).json();
    const values = Object.fromEntries(c.data.custom_fields.map((v) => [v.field.key, v.value]));
    assert.equal(values.order_number, 'A-1001');
    assert.equal(values.machine_model, '11');
    assert.equal(values.symptoms, 'It hisses and leaks');
    assert.equal(values.water_hardness, '7.5');
    assert.equal(values.visit_date, '2026-12-01');
    assert.equal(values.visit_window, '8');
    const file = await (await fetch(`${server.base}/api/v1/files/${values.receipt}`, { headers: session })).json();
    assert.equal(file.data.name, 'receipt.txt');
  });
});

test('the inbox follows replies and assignments live', async () => {
  await withBrowser('inbox-live', async (browser) => {
    const agent = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await signIn(agent, SIMON);
    await agent.getByRole('heading', { name: /All conversations/ }).waitFor();
    // A customer writes in an old conversation: it moves to the top, marked unread.
    const auth = { Authorization: `Basic ${Buffer.from('caryn@atmospherecoffee.com:brewfictus-demo').toString('base64')}`, 'X-CSRF': 'false' };
    const login = await (await fetch(`${server.base}/api/v1/conversations?limit=1`, { headers: auth })).json();
    const posted = await fetch(`${server.base}/api/v1/conversations/14/messages`, {
      method: 'POST',
      headers: { 'X-Session-ID': login.session_id, 'Content-Type': 'application/json' },
      body: JSON.stringify({ contents: 'The new hopper fits, thanks!' }),
    });
    assert.equal(posted.status, 201);
    const first = agent.locator('.items li').first();
    await first.locator('.subject', { hasText: 'Grinder hopper cracked' }).waitFor();
    await first.locator('.badge').waitFor();
    // The agent takes it: it is theirs in "Assigned to me".
    await first.locator('.item').click();
    await agent.getByLabel('Assigned agent').selectOption({ label: 'Simon Blackhouse (me)' });
    await agent.getByText('Assignment saved').waitFor();
    await agent.getByLabel('Team').selectOption({ label: 'Field Service' });
    await agent.getByText('Team saved').waitFor();
    await agent.getByRole('button', { name: 'Assigned to me' }).click();
    await agent.locator('.items .item', { hasText: 'Grinder hopper cracked' }).waitFor();
    await agent.getByRole('button', { name: 'Teams: Field Service' }).click();
    await agent.locator('.items .item', { hasText: 'Grinder hopper cracked' }).waitFor();
  });
});

test("the Messenger speaks the instance's words as soon as an admin sets them", async () => {
  await withBrowser('messenger-words', async (browser) => {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await page.goto(`${server.base}/messenger`);
    await page.getByText('Ask us anything, or share some feedback.').waitFor();
    const basic = `Basic ${Buffer.from('alex@brewfictus.com:brewfictus-demo').toString('base64')}`;
    const set = await fetch(`${server.base}/api/v1/settings`, {
      method: 'PUT',
      headers: { authorization: basic, 'content-type': 'application/json', 'x-csrf': 'false' },
      body: JSON.stringify({ values: { messenger_team_name: 'Brewfictus Support', messenger_greeting: 'Ask the baristas', messenger_reply_time: 'Back within the hour' } }),
    });
    assert.equal(set.status, 200);
    await page.reload();
    await page.getByText('Brewfictus Support').waitFor();
    await page.getByText('Ask the baristas').waitFor();
    await page.getByText('Back within the hour').waitFor();
    // Back to the Messenger's own words, for the tests after this one.
    const reset = await fetch(`${server.base}/api/v1/settings`, {
      method: 'PUT',
      headers: { authorization: basic, 'content-type': 'application/json', 'x-csrf': 'false' },
      body: JSON.stringify({ values: { messenger_team_name: '', messenger_greeting: '', messenger_reply_time: '' } }),
    });
    assert.equal(reset.status, 200);
  });
});

test('an agent answers a mail: addresses, collapsed history, a Cc and the delivery state, live', async () => {
  const { execFileSync } = await import('node:child_process');
  const { readdirSync } = await import('node:fs');
  const { BINARY } = await import('./harness.js');
  await withBrowser('mail-reply', async (browser) => {
    const agent = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await signIn(agent, SIMON);
    await agent.getByRole('heading', { name: /All conversations/ }).waitFor();
    // A mail arrives through the MTA's pipe.
    const mail = [
      'From: Priya Natarajan <priya@cafe-luna.example>',
      'To: support@brewfictus.com',
      'Cc: Tom Berg <tom@cafe-luna.example>',
      'Subject: Fwd: Steam wand leaking',
      'Message-ID: <priya.1@cafe-luna.example>',
      '',
      'The steam wand on our second machine leaks at the joint.',
      '',
      'On Mon, Dec 7, 2026 at 9:00 AM Tom Berg <tom@cafe-luna.example> wrote:',
      '> Can you write to Brewfictus about the wand?',
      '',
    ].join('\r\n');
    execFileSync(BINARY, ['mail', 'ingest', '--data-dir', server.dir], { input: mail });
    const item = listItem(agent, 'Steam wand leaking');
    await item.waitFor();
    await item.click();
    const message = agent.locator('.timeline .message', { hasText: 'leaks at the joint' });
    await message.locator('.mail-addresses', { hasText: 'priya@cafe-luna.example' }).waitFor();
    await message.locator('.mail-addresses', { hasText: 'tom@cafe-luna.example' }).waitFor();
    const history = message.locator('details.quoted');
    assert.equal(await history.getAttribute('open'), null, 'the quoted history starts collapsed');
    assert.equal(await message.locator('.text').first().innerText(), 'The steam wand on our second machine leaks at the joint.');
    await history.locator('summary').click();
    await history.getByText('Can you write to Brewfictus about the wand?').waitFor();

    // The reply is a mail, copying one more.
    await agent.getByText('This reply is mailed to priya@cafe-luna.example, copying tom@cafe-luna.example.').waitFor();
    await agent.getByLabel('Add Cc').fill('service@brewfictus-partners.example');
    await agent.getByLabel('Reply', { exact: true }).fill('A new seal is on its way.');
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    const reply = agent.locator('.timeline .message.own', { hasText: 'A new seal is on its way.' });
    await reply.locator('.delivery.sent', { hasText: 'Sent by mail' }).waitFor();
    const sent = readdirSync(join(server.dir, 'mail', 'sent')).filter((f) => f.endsWith('.eml'));
    assert.equal(sent.length, 1);
    const raw = readFileSync(join(server.dir, 'mail', 'sent', sent[0]), 'utf8');
    assert.match(raw, /^Cc: .*tom@cafe-luna\.example.*service@brewfictus-partners\.example/m);
    assert.match(raw, /^In-Reply-To: <priya\.1@cafe-luna\.example>/m);
  });
});

test('the Messenger tells a customer who gave an email that replies also come by mail', async () => {
  await withBrowser('messenger-mail-note', async (browser) => {
    const customer = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await customer.goto(`${server.base}/messenger`);
    await customer.getByRole('button', { name: 'Start a conversation' }).click();
    await customer.getByLabel('Your name').fill('Sam Ortiz');
    await customer.getByLabel('Your email').fill('sam@ortiz.example');
    await customer.getByLabel('Reported issues').fill('0');
    await customer.getByLabel('Message', { exact: true }).fill('Do you sell descaler in bulk?');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await customer.locator('.timeline .message', { hasText: 'Do you sell descaler in bulk?' }).waitFor();
    await customer.locator('.mail-note', { hasText: 'sam@ortiz.example' }).waitFor();
  });
});
