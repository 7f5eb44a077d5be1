// The agent inbox: sign in (Basic → a session and its CSRF token, kept in
// localStorage), then the inbox (or search results) and the open
// conversation side by side, kept live by one stream on the staff `inbox`
// channel and the agent's own `notifications`. Keyboard: / searches, j/k
// move through the list, r focuses the reply box, Ctrl+Enter sends.

import { html, render, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { Api } from '../shared/api.js';
import { SignIn } from './signin.js';
import { Inbox } from './inbox.js';
import { Conversation } from './conversation.js';
import { SearchBox, SearchResults } from './search.js';
import { Bell, useNotifications } from './notifications.js';

const STORE = 'parley.agent';

function stored() {
  try {
    return JSON.parse(localStorage.getItem(STORE));
  } catch {
    return null;
  }
}

function Desk({ api, me, onSignOut }) {
  // `#/conversations/12` opens one (the links in notification mail).
  const fromHash = () => Number(/^#\/conversations\/(\d+)$/.exec(window.location.hash)?.[1]) || null;
  const [selected, setSelected] = useState(fromHash);
  const [query, setQuery] = useState('');
  useEffect(() => {
    const follow = () => fromHash() && setSelected(fromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    if (selected && fromHash() !== selected) window.history.replaceState(null, '', `#/conversations/${selected}`);
  }, [selected]);
  const [live, setLive] = useState('live');
  const [lookups, setLookups] = useState(null);
  const listeners = useRef(new Set());

  useEffect(() => {
    const stream = api.stream(
      ['inbox', 'notifications'],
      (event) => {
        for (const l of listeners.current) l(event);
      },
      (state) => {
        setLive(state);
        if (state === 'live') for (const l of listeners.current) l({ event: 'resync' });
      },
    );
    Promise.all([
      api.get('/cases/statuses'),
      api.get('/cases/priorities'),
      api.get('/cases/types'),
      api.get('/teams'),
      api.all('/users', { role: 'OWNER,ADMIN,AGENT,COLLABORATOR' }),
      api.get('/conversations/fields', { include: '*', limit: 100 }),
    ])
      .then(([statuses, priorities, types, teams, staff, fields]) =>
        setLookups({
          statuses: statuses.data,
          priorities: priorities.data,
          types: types.data,
          teams: teams.data,
          staff,
          fields: fields.data,
        }),
      )
      .catch(() => {});
    return () => stream.close();
  }, []);

  const subscribe = (listener) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  };
  const notifications = useNotifications(api, subscribe, (id) => setSelected(id));
  useEffect(() => {
    if (selected) notifications.opened(selected);
  }, [selected]);
  const searching = query.trim() !== '';

  useEffect(() => {
    const keys = (e) => {
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName) || e.target.isContentEditable;
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'r') {
        const reply = document.getElementById('reply');
        if (reply) {
          e.preventDefault();
          reply.focus();
        }
      }
    };
    document.addEventListener('keydown', keys);
    return () => document.removeEventListener('keydown', keys);
  }, []);

  return html`<div class="desk">
    <header class="topbar">
      <strong>Parley</strong>
      <${SearchBox} query=${query} setQuery=${setQuery} />
      ${live === 'reconnecting' && html`<span class="live" role="status">Reconnecting…</span>`}
      <${Bell} state=${notifications} onOpen=${setSelected} />
      <span class="me">${me.full_name}</span>
      <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
    </header>
    <${Inbox} api=${api} me=${me} lookups=${lookups} selected=${selected} onSelect=${setSelected} subscribe=${subscribe}
      hidden=${searching} />
    ${searching && html`<${SearchResults} api=${api} query=${query} setQuery=${setQuery} selected=${selected} onSelect=${setSelected} />`}
    <main class="pane" aria-label="Conversation">
      ${selected
        ? html`<${Conversation} key=${selected} api=${api} id=${selected} me=${me} lookups=${lookups} subscribe=${subscribe}
            onOpen=${setSelected} />`
        : html`<p class="hint empty">Choose a conversation. Keys: / searches, j / k move, r replies, Ctrl+Enter sends.</p>`}
    </main>
  </div>`;
}

function App() {
  const [auth, setAuth] = useState(stored);
  const [me, setMe] = useState(null);
  const [problem, setProblem] = useState(null);
  const api = auth ? new Api({ session: auth.session, csrf: auth.csrf }) : null;

  useEffect(() => {
    if (!api) return;
    api
      .get('/session')
      .then((s) => {
        if (['CUSTOMER'].includes(s.data.user.role_type)) {
          setProblem('This inbox is for the support team.');
          signOut();
        } else setMe(s.data.user);
      })
      .catch(() => signOut());
  }, [auth?.session]);

  const signOut = () => {
    api?.del('/session').catch(() => {});
    localStorage.removeItem(STORE);
    setAuth(null);
    setMe(null);
  };

  if (!auth || !me) {
    return html`<${SignIn} key=${problem || 'sign-in'} problem=${problem}
      onSignedIn=${(a) => {
        localStorage.setItem(STORE, JSON.stringify(a));
        setProblem(null);
        setAuth(a);
      }} />`;
  }
  return html`<${Desk} api=${api} me=${me} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
