// The agent inbox: sign in (Basic → a session and its CSRF token, kept in
// localStorage), then the inbox (or search results) and the open
// conversation side by side, kept live by one stream on the staff `inbox`
// channel and the agent's own `notifications`. Keyboard: / searches, j/k
// move through the list, r focuses the reply box, Ctrl+Enter sends.
// `/agent/insights` is the Reports view instead, for agents, admins and owners.

import { html, render, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { Api } from '../shared/api.js';
import { SignIn } from './signin.js';
import { Inbox } from './inbox.js';
import { Conversation } from './conversation.js';
import { SearchBox, SearchResults } from './search.js';
import { Bell, useNotifications } from './notifications.js';

const STORE = 'parley.agent';
const REPORTS = /\/agent\/insights\/?$/;
const readsInsights = (me) => ['OWNER', 'ADMIN', 'AGENT'].includes(me.role_type);

/** Where the topbar leads: the inbox and, for those who may read them, insights. */
function Nav({ me, current }) {
  if (!readsInsights(me)) return null;
  return html`<nav class="nav" aria-label="Sections">
    <a href="/agent/" aria-current=${current === 'inbox' ? 'page' : null}>Inbox</a>
    <a href="/agent/insights" aria-current=${current === 'insights' ? 'page' : null}>Insights</a>
  </nav>`;
}

/** The Reports view, with its own stream on the staff channel to stay live. */
function Reports({ api, me, onSignOut }) {
  const listeners = useRef(new Set());
  const [live, setLive] = useState('live');
  // Loaded only here, so the inbox carries none of it.
  const [Insights, setInsights] = useState(null);
  useEffect(() => {
    import('./insights.js').then((m) => setInsights(() => m.Insights));
  }, []);
  useEffect(() => {
    document.title = 'Insights · Parley';
    const stream = api.stream(
      ['inbox'],
      (event) => {
        for (const l of listeners.current) l(event);
      },
      (state) => {
        setLive(state);
        if (state === 'live') for (const l of listeners.current) l({ event: 'resync' });
      },
    );
    return () => stream.close();
  }, []);
  const subscribe = (listener) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  };
  return html`<div class="reports">
    <header class="topbar">
      <strong>Parley</strong>
      <${Nav} me=${me} current="insights" />
      ${live === 'reconnecting' && html`<span class="live" role="status">Reconnecting…</span>`}
      <span class="me">${me.full_name}</span>
      <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
    </header>
    ${!readsInsights(me)
      ? html`<main class="insights"><h1>Insights</h1><p>Insights are for agents, admins and owners. <a href="/agent/">Back to the inbox</a></p></main>`
      : Insights
      ? html`<${Insights} api=${api} subscribe=${subscribe} />`
      : html`<main class="insights"><p class="hint">Loading…</p></main>`}
  </div>`;
}

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
      <${Nav} me=${me} current="inbox" />
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
  if (REPORTS.test(window.location.pathname)) return html`<${Reports} api=${api} me=${me} onSignOut=${signOut} />`;
  return html`<${Desk} api=${api} me=${me} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
