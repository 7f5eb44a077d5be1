// The agent's notifications in the inbox: the bell with the unread count
// (also in the tab's title, on every screen), the feed, and, while any tab
// of the inbox is open, the browser's own notifications (asked for only
// when the agent clicks to turn them on) and an optional sound. All of it
// follows `notification.created` on the agent's private channel.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { relative } from '../shared/ui.js';

const SOUND = 'parley.agent.sound';
const TITLE = 'Inbox · Parley';

/** A short two-note chime, made on the spot (no file to load). */
function chime() {
  try {
    const audio = new AudioContext();
    for (const [i, f] of [660, 880].entries()) {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.08, audio.currentTime + i * 0.12);
      g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + i * 0.12 + 0.25);
      o.connect(g).connect(audio.destination);
      o.start(audio.currentTime + i * 0.12);
      o.stop(audio.currentTime + i * 0.12 + 0.3);
    }
    setTimeout(() => audio.close(), 1000);
  } catch {
    // No audio here: the count and the feed still tell.
  }
}

/**
 * The feed and its unread count, kept live. `opened(id)` marks the
 * notifications of a conversation the agent opened as read.
 */
export function useNotifications(api, subscribe, onOpen) {
  const [unread, setUnread] = useState(0);
  const [feed, setFeed] = useState([]);
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND) === 'on');
  const soundRef = useRef(sound);
  soundRef.current = sound;

  const count = () =>
    api.get('/notifications', { unread: true, limit: 1 }).then((r) => setUnread(r.total_count)).catch(() => {});
  const loadFeed = () => api.get('/notifications', { limit: 20 }).then((r) => setFeed(r.data)).catch(() => {});
  useEffect(() => {
    count();
    loadFeed();
  }, []);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${TITLE}` : TITLE;
  }, [unread]);
  useEffect(() => () => {
    document.title = TITLE;
  }, []);

  useEffect(
    () =>
      subscribe((event) => {
        if (event.event === 'resync') {
          count();
          loadFeed();
          return;
        }
        if (event.event !== 'notification.created') return;
        const n = event.data;
        setFeed((list) => [n, ...list.filter((x) => x.id !== n.id)].slice(0, 20));
        setUnread((u) => u + 1);
        if (soundRef.current) chime();
        if ('Notification' in window && Notification.permission === 'granted' && (document.hidden || !document.hasFocus())) {
          const shown = new Notification('Parley', { body: n.summary, tag: `parley-${n.id}` });
          shown.onclick = () => {
            window.focus();
            if (n.conversation?.id) onOpen(n.conversation.id);
            shown.close();
          };
        }
      }),
    [],
  );

  const opened = async (conversationId) => {
    if (!feed.some((n) => !n.is_read && n.conversation?.id === conversationId) && unread === 0) return;
    await api.put('/notifications', { is_read: true, conversation_id: conversationId }).catch(() => {});
    setFeed((list) => list.map((n) => (n.conversation?.id === conversationId ? { ...n, is_read: true } : n)));
    count();
  };
  const readAll = async () => {
    await api.put('/notifications', { is_read: true }).catch(() => {});
    setFeed((list) => list.map((n) => ({ ...n, is_read: true })));
    setUnread(0);
  };
  const toggleSound = () => {
    localStorage.setItem(SOUND, sound ? 'off' : 'on');
    setSound(!sound);
    if (!sound) chime();
  };
  return { unread, feed, sound, toggleSound, opened, readAll, refresh: loadFeed };
}

export function Bell({ state, onOpen }) {
  const [open, setOpen] = useState(false);
  const [permission, setPermission] = useState(() => ('Notification' in window ? Notification.permission : 'unsupported'));
  const panel = useRef(null);
  const button = useRef(null);
  useEffect(() => {
    if (!open) return undefined;
    state.refresh();
    panel.current?.querySelector('button, [href], input')?.focus();
    const away = (e) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('keydown', away);
    return () => document.removeEventListener('keydown', away);
  }, [open]);
  const ask = async () => {
    // Only ever after the agent asked for it, here.
    setPermission(await Notification.requestPermission());
  };
  const label = state.unread > 0 ? `Notifications, ${state.unread} unread` : 'Notifications';
  return html`<div class="bell">
    <button type="button" ref=${button} class="secondary bell-button" aria-expanded=${open ? 'true' : 'false'} aria-controls="notifications"
      aria-label=${label} onClick=${() => setOpen(!open)}>
      <span aria-hidden="true">🔔</span>${state.unread > 0 && html`<span class="badge" aria-hidden="true">${state.unread}</span>`}
    </button>
    ${open && html`<section id="notifications" ref=${panel} class="panel" aria-label="Notifications">
      <div class="panel-actions">
        <button type="button" class="link" onClick=${state.readAll}>Mark all read</button>
        <label class="check"><input type="checkbox" checked=${state.sound} onChange=${state.toggleSound} /> Sound</label>
        ${permission === 'default' && html`<button type="button" class="link" onClick=${ask}>Turn on desktop alerts</button>`}
        ${permission === 'denied' && html`<span class="hint">Desktop alerts are blocked in this browser.</span>`}
      </div>
      ${state.feed.length === 0 && html`<p class="hint">Nothing yet.</p>`}
      <ul class="feed">
        ${state.feed.map((n) => html`<li key=${n.id}>
          <button type="button" class=${`note-item ${n.is_read ? '' : 'unread'}`} onClick=${() => {
            setOpen(false);
            if (n.conversation?.id) onOpen(n.conversation.id);
          }}>
            ${!n.is_read && html`<span class="visually-hidden">Unread: </span>`}<span>${n.summary}</span>
            <span class="when">${relative(n.created_at)}</span>
          </button>
        </li>`)}
      </ul>
    </section>`}
  </div>`;
}
