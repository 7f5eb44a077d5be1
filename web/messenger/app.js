// The Messenger for customers: a device (its fingerprint kept in
// localStorage), its conversations, and one realtime stream over all of
// them. Embedded, it runs in an iframe the host page's /messenger.js made,
// and talks to that script with postMessage: the unread count out, a
// verified identity in.

import { html, render, useEffect, useMemo, useRef, useState } from '../vendor/preact-htm.js';
import { Api, uuid4 } from '../shared/api.js';
import { Home } from './home.js';
import { Compose } from './compose.js';
import { Thread } from './thread.js';

const fragment = new URLSearchParams(location.hash.slice(1));
// The page that embedded us, as its /messenger.js said: messages go to that
// origin only, never to whoever frames the Messenger.
const host = fragment.get('host');
const embedded = window.parent !== window && Boolean(host);

/** Tells the embedding page `message`, and nobody else. */
function tell(message) {
  try {
    if (embedded) window.parent.postMessage(message, host);
  } catch {
    // an embedding page without an origin of its own (a file): nobody to tell
  }
}

/**
 * Where the device's details are kept: this origin's localStorage, or, when
 * the browser denies storage to a framed third party, the host page's (the
 * embed passes them in the URL fragment and keeps what it is told to).
 */
export const store = {
  memory: new Map(),
  get(key) {
    try {
      const v = localStorage.getItem(key);
      if (v !== null) return v;
    } catch {
      // storage denied to this frame
    }
    return this.memory.get(key) ?? fragment.get(key.replace('parley.', '')) ?? null;
  },
  set(key, value) {
    this.memory.set(key, value);
    try {
      localStorage.setItem(key, value);
    } catch {
      // storage denied to this frame
    }
    tell({ type: 'parley:remember', key, value });
  },
};

/** The email the customer gave when they first wrote, if any. */
function knownEmail() {
  try {
    return JSON.parse(store.get('parley.me') || '{}').email || null;
  } catch {
    return null;
  }
}

function deviceFingerprint() {
  let fp = store.get('parley.fingerprint');
  if (!fp) {
    fp = uuid4();
    store.set('parley.fingerprint', fp);
  }
  return fp;
}

const api = new Api({ fingerprint: deviceFingerprint() });

/** A verified identity passed in the URL fragment (`#identity=<base64 JSON>`), for the full page. */
function identityFromFragment() {
  const raw = fragment.get('identity');
  if (!raw) return null;
  try {
    return JSON.parse(atob(raw));
  } catch {
    return null;
  }
}

function App() {
  const [screen, setScreen] = useState({ name: 'home' });
  const [conversations, setConversations] = useState([]);
  const [live, setLive] = useState('live');
  const [error, setError] = useState(null);
  // Embedded, the messenger is shown only while the host's launcher has it open.
  const [shown, setShown] = useState(!embedded);
  const listeners = useRef(new Set());
  const stream = useRef(null);

  const refresh = async () => {
    try {
      const page = await api.get('/conversations', { include: 'read_marker', limit: 50 });
      setConversations(page.data);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  // Events go to whoever listens (the open conversation), and every change refreshes the list.
  useEffect(() => {
    stream.current = api.stream(
      [],
      (event) => {
        for (const l of listeners.current) l(event);
        if (event.event !== 'typing') refresh();
      },
      (state) => {
        setLive(state);
        if (state !== 'live') return;
        // (Re)connected: whatever happened before the stream was open is read afresh.
        refresh();
        for (const l of listeners.current) l({ event: 'resync' });
      },
    );
    return () => stream.current.close();
  }, []);

  useEffect(() => {
    stream.current?.setChannels(conversations.map((c) => c.realtime_channel));
  }, [conversations.map((c) => c.realtime_channel).join()]);

  // A verified identity from the host page (or the URL fragment) is sent once, with the next request.
  useEffect(() => {
    const accept = (identity) => {
      if (!identity?.email || !identity?.signature) return;
      api.identity = identity;
      refresh();
    };
    accept(identityFromFragment());
    const onMessage = (e) => {
      if (e.source !== window.parent || !embedded || e.origin !== host) return;
      if (e.data?.type === 'parley:identify') accept(e.data.identity);
      if (e.data?.type === 'parley:shown') setShown(Boolean(e.data.shown));
    };
    window.addEventListener('message', onMessage);
    tell({ type: 'parley:ready' });
    refresh();
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const unread = useMemo(
    () => conversations.reduce((n, c) => n + (c.read_marker?.unread_count || 0), 0),
    [conversations],
  );
  useEffect(() => {
    document.title = unread ? `(${unread}) Messages` : 'Messages';
    tell({ type: 'parley:unread', count: unread });
  }, [unread]);

  const subscribe = (listener) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  };

  let body;
  if (screen.name === 'compose') {
    body = html`<${Compose} api=${api} store=${store} onBack=${() => setScreen({ name: 'home' })}
      onCreated=${(c) => {
        setConversations((list) => [c, ...list.filter((x) => x.id !== c.id)]);
        setScreen({ name: 'thread', id: c.id });
      }} />`;
  } else if (screen.name === 'thread') {
    body = html`<${Thread} key=${screen.id} api=${api} id=${screen.id} subscribe=${subscribe} shown=${shown}
      email=${api.identity?.email || knownEmail()}
      onBack=${() => {
        setScreen({ name: 'home' });
        refresh();
      }} onRead=${refresh} />`;
  } else {
    body = html`<${Home} api=${api} conversations=${conversations} error=${error}
      onOpen=${(id) => setScreen({ name: 'thread', id })} onStart=${() => setScreen({ name: 'compose' })} />`;
  }
  return html`<div class="messenger">
    ${live === 'reconnecting' && html`<div class="banner" role="status">Reconnecting…</div>`}
    ${embedded && html`<button type="button" class="close link" aria-label="Close messages"
      onClick=${() => tell({ type: 'parley:close' })}>✕</button>`}
    ${body}
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
