// What every browser test needs: the release `parley` on a fresh demo data
// directory (port 0, its address read from its log), Debian's Chromium
// driven by playwright-core, screenshots when a test fails, and axe-core.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** Where cargo puts its builds (`CARGO_TARGET_DIR` and `.cargo/config` included), asked of cargo itself. */
function targetDir() {
  const metadata = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
    cwd: resolve(here, '../..'),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(metadata).target_directory;
}
export const BINARY = process.env.PARLEY_BINARY || join(targetDir(), 'release', 'parley');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FAILURES = join(here, 'failures');

/** A data directory made by `parley gen` (the demo plus `conversations` more). */
export function generated(conversations) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-gen-'));
  const messages = conversations - 1 + 1000;
  execFileSync(BINARY, ['gen', '--data-dir', dir, '--conversations', String(conversations), '--messages', String(messages)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

/** The demo server (or one on `dir`, made by `generated`): `{ base, dir, stop() }`. */
export async function startServer(extra = [], { dir: existing } = {}) {
  const dir = existing || mkdtempSync(join(tmpdir(), 'parley-browser-'));
  const child = spawn(
    BINARY,
    [
      'serve', ...(existing ? [] : ['--demo']), '--data-dir', dir, '--bind', '127.0.0.1:0',
      '--conversations-per-hour-per-address', '0', '--conversations-per-hour-per-device', '0',
      '--messages-per-hour', '0', '--upload-bytes-per-hour', '0', '--heartbeat-seconds', '2',
      // The curated demo only, unless a test asks for its weeks of history.
      ...(extra.includes('--demo-history-weeks') ? [] : ['--demo-history-weeks', '0']),
      ...extra,
    ],
    { env: { ...process.env, RUST_LOG: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`parley did not start:\n${log}`)), 30000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/public_url=(\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`parley exited with ${code}:\n${log}`)));
  });
  return {
    base,
    dir,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium (the flags this machine's closed network needs). */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Runs `body(browser)`; on failure, every open page is photographed into tests/browser/failures/. */
export async function withBrowser(name, body) {
  const browser = await launch();
  try {
    await body(browser);
  } catch (e) {
    mkdirSync(FAILURES, { recursive: true });
    let n = 0;
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        n += 1;
        await page.screenshot({ path: join(FAILURES, `${name}-${n}.png`), fullPage: true }).catch(() => {});
      }
    }
    throw e;
  } finally {
    await browser.close();
  }
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on `page` (or in one of its frames). */
export async function accessibilityProblems(target) {
  await target.evaluate(AXE);
  const result = await target.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** A PNG of `w`×`h` pixels, made in the browser (no image library needed here). */
export async function png(page, w, h) {
  const data = await page.evaluate(
    ([w, h]) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d');
      g.fillStyle = '#c0392b';
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#f1c40f';
      g.fillRect(w / 4, h / 4, w / 2, h / 2);
      return c.toDataURL('image/png').split(',')[1];
    },
    [w, h],
  );
  return Buffer.from(data, 'base64');
}

/** Bytes of JavaScript and CSS a page loaded (uncompressed). */
export async function scriptAndStyleBytes(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((r) => r.initiatorType === 'script' || r.initiatorType === 'link' || /\.(js|css)(\?|$)/.test(r.name))
      .filter((r) => /\.(js|css)(\?|$)/.test(r.name))
      .reduce((n, r) => n + (r.decodedBodySize || 0), 0),
  );
}

/** The demo's password, and its agents. */
export const PASSWORD = 'brewfictus-demo';
export const SIMON = { email: 'simon@brewfictus.com', password: PASSWORD };
export const ALEX = { email: 'alex@brewfictus.com', password: PASSWORD };

/** Fills in the inbox's sign-in form at `base` (`path`: `/agent` unless another page of it). */
export async function signIn(page, base, { email, password }, path = '/agent') {
  await page.goto(`${base}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A session for `email` at `base` (Basic once, then the session id), for API
 * calls made beside the browsers: `call(method, path, body)` answers the JSON
 * and fails the test on any status of 300 or more.
 */
export async function session(base, email) {
  const auth = { Authorization: `Basic ${Buffer.from(`${email}:${PASSWORD}`).toString('base64')}`, 'X-CSRF': 'false' };
  const r = await (await fetch(`${base}/api/v1/session`, { headers: auth })).json();
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { 'X-Session-ID': r.session_id, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}
