// Regenerates the README's screenshots (docs/messenger.png, docs/agent.png)
// from a fresh demo server: `node screenshots.js` here, after
// `cargo build --release`.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, startServer } from './harness.js';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs');
const server = await startServer();
const browser = await launch();
try {
  // The Messenger on a phone, verified as the demo customer Caryn, in a conversation.
  const token = readFileSync(join(server.dir, 'messenger.key'), 'utf8').trim();
  const timestamp = Math.floor(Date.now() / 1000);
  const [name, email] = ['Caryn Pryor', 'caryn@atmospherecoffee.com'];
  const signature = createHmac('sha256', token).update(`v2|${Buffer.byteLength(name)}|${name}|${Buffer.byteLength(email)}|${email}|${timestamp}`).digest('hex');
  const claim = Buffer.from(JSON.stringify({ name, email, timestamp, signature })).toString('base64');
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 780 }, deviceScaleFactor: 2 })).newPage();
  await phone.goto(`${server.base}/messenger#identity=${claim}`);
  await phone.getByRole('button', { name: /Steam wand losing pressure/ }).click();
  await phone.locator('.timeline .message').first().waitFor();
  await phone.waitForLoadState('networkidle');
  await phone.screenshot({ path: join(docs, 'messenger.png') });

  // The agent inbox on a desktop, with a conversation open.
  const desk = await (await browser.newContext({ viewport: { width: 1366, height: 820 } })).newPage();
  await desk.goto(`${server.base}/agent`);
  await desk.getByLabel('Email').fill('simon@brewfictus.com');
  await desk.getByLabel('Password').fill('brewfictus-demo');
  await desk.getByRole('button', { name: 'Sign in' }).click();
  await desk.locator('.items .item', { hasText: 'Steam wand losing pressure' }).click();
  await desk.locator('.timeline .message').first().waitFor();
  await desk.waitForLoadState('networkidle');
  await desk.screenshot({ path: join(docs, 'agent.png') });
  console.log(`wrote ${join(docs, 'messenger.png')} and ${join(docs, 'agent.png')}`);
} finally {
  await browser.close();
  await server.stop();
}
