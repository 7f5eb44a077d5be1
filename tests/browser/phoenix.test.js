// Kayako's mobile realtime protocol driven by a real Phoenix client: npm
// `phoenix` 1.7 over the `ws` transport with `vsn: "1.0.0"` (JSON objects, as
// Kayako's Android SDK speaks it), against the release server on demo data.
// Joins and refusals, heartbeats, NEW_POST / CHANGE_POST / CHANGE, Presence
// (state, diffs, typing both ways) and leave.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Socket, Presence } from 'phoenix';
import { startServer } from './harness.js';


let server;
after(() => server?.stop());

/** Resolves when `check()` holds, polling; fails after `ms`. */
async function until(what, check, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The reply a push gets: `['ok' | 'error', response]`. */
function replied(push) {
  return new Promise((ok) => {
    push.receive('ok', (r) => ok(['ok', r])).receive('error', (r) => ok(['error', r])).receive('timeout', () => ok(['timeout']));
  });
}

async function api(path, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

function connect(url, params) {
  const socket = new Socket(url, {
    transport: WebSocket,
    params,
    vsn: '1.0.0',
    encode: (msg, callback) => callback(JSON.stringify(msg)),
    decode: (raw, callback) => callback(JSON.parse(raw)),
    heartbeatIntervalMs: 500,
    reconnectAfterMs: () => 60000,
  });
  const errors = [];
  socket.onError((e) => errors.push(e));
  socket.connect();
  return { socket, errors };
}

test('a real Phoenix client joins, hears every kind of event, and shares presence and typing', async () => {
  server = await startServer(['--socket-timeout-seconds', '2']);
  const phone = randomUUID();
  const device = { 'X-Fingerprint-ID': phone };
  const created = await api('/conversations', {
    method: 'POST',
    headers: device,
    body: { name: 'Robin Vale', email: 'robin@example.org', subject: 'Steam wand hisses', contents: 'Hello?' },
  });
  assert.equal(created.status, 201);
  const { id, realtime_channel: topic } = created.body.data;
  const customer = created.body.data.requester.id;

  // Where to connect: the starter's realtime URL plus /websocket, as the SDK builds it.
  const starter = await api('/conversations/starter?_case=camel', { headers: device });
  const url = `${starter.body.data.realtimeUrl.replace(/^http/, 'ws')}`;
  const signIn = await fetch(`${server.base}/api/v1/session`, {
    headers: { Authorization: `Basic ${Buffer.from('simon@brewfictus.com:brewfictus-demo').toString('base64')}`, 'X-CSRF': 'false' },
  });
  const session = (await signIn.json()).session_id;
  assert.ok(session, 'a session id');

  const phoneSocket = connect(url, { fingerprint_id: phone, instance: 'localhost' });
  const agentSocket = connect(url, { session_id: session, user_agent: 'node', instance: 'localhost' });

  // Joins: the customer's own conversation yes, someone else's no.
  const phoneChannel = phoneSocket.socket.channel(topic, {});
  const phonePresence = new Presence(phoneChannel);
  assert.equal((await replied(phoneChannel.join()))[0], 'ok');
  const other = (await api('/conversations/2', { headers: { 'X-Session-ID': session } })).body.data.realtime_channel;
  const refused = await replied(phoneSocket.socket.channel(other, {}).join());
  assert.deepEqual(refused, ['error', { reason: 'unauthorized' }]);

  const agentChannel = agentSocket.socket.channel(topic, {});
  const agentPresence = new Presence(agentChannel);
  const heard = [];
  for (const event of ['NEW_POST', 'CHANGE_POST', 'CHANGE']) {
    agentChannel.on(event, (payload) => heard.push([event, payload]));
  }
  assert.equal((await replied(agentChannel.join()))[0], 'ok');

  // Presence: each sees both.
  const ids = (presence) => presence.list((key) => Number(key)).sort((a, b) => a - b);
  await until('both present for the phone', () => ids(phonePresence).join() === [1, customer].sort((a, b) => a - b).join());
  await until('both present for the agent', () => ids(agentPresence).join() === [1, customer].sort((a, b) => a - b).join());
  const simonMeta = phonePresence.list((key, { metas }) => (key === '1' ? metas[0] : null)).find(Boolean);
  assert.equal(simonMeta.user.full_name, 'Simon Blackhouse');
  assert.match(simonMeta.user.avatar, /^http/);

  // The customer types through presence; the agent's Presence shows it.
  const typing = (presence, uid) =>
    presence.list((key, { metas }) => key === String(uid) && metas.some((m) => m.is_typing)).some(Boolean);
  assert.equal((await replied(phoneChannel.push('update-presence-meta', { is_typing: true, last_active_at: Date.now() })))[0], 'ok');
  await until('the customer typing', () => typing(agentPresence, customer));
  // The agent types through Parley's REST API; the phone's Presence shows it.
  const typed = await api(`/conversations/${id}/typing`, { method: 'POST', headers: { 'X-Session-ID': session }, body: { is_typing: true } });
  assert.equal(typed.status, 200);
  await until('the agent typing', () => typing(phonePresence, 1));
  await api(`/conversations/${id}/typing`, { method: 'POST', headers: { 'X-Session-ID': session }, body: { is_typing: false } });
  await until('the agent stopping', () => !typing(phonePresence, 1));

  // A message, a receipt, a change of status.
  const sent = await api(`/conversations/${id}/messages`, { method: 'POST', headers: device, body: { contents: 'It hisses louder now' } });
  assert.equal(sent.status, 201);
  const mid = sent.body.data.id;
  const post = await until('NEW_POST', () => heard.find(([e]) => e === 'NEW_POST'));
  assert.equal(post[1].resource_type, 'post');
  assert.equal(post[1].resource_id, mid);
  assert.equal(post[1].resource_url, `${server.base}/api/v1/conversations/${id}/messages/${mid}`);
  await api(`/conversations/${id}/messages/${mid}`, { method: 'PUT', headers: { 'X-Session-ID': session }, body: { message_status: 'SEEN' } });
  const changePost = await until('CHANGE_POST', () => heard.find(([e]) => e === 'CHANGE_POST'));
  assert.equal(changePost[1].resource_id, mid);
  await api(`/conversations/${id}`, { method: 'PUT', headers: { 'X-Session-ID': session }, body: { status_id: 3 } });
  const change = await until('CHANGE of status', () => heard.find(([e, p]) => e === 'CHANGE' && 'status' in p.changed_properties));
  assert.equal(change[1].resource_id, id);

  // Heartbeats keep both sockets open past the server's 2 s timeout.
  await new Promise((r) => setTimeout(r, 2500));
  assert.ok(phoneSocket.socket.isConnected() && agentSocket.socket.isConnected(), 'heartbeats keep the sockets');
  assert.deepEqual(phoneSocket.errors, []);

  // Leaving: the phone sees the agent go.
  assert.equal((await replied(agentChannel.leave()))[0], 'ok');
  await until('the agent gone', () => !ids(phonePresence).includes(1));

  phoneSocket.socket.disconnect();
  agentSocket.socket.disconnect();
});
