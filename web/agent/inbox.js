// The inbox: views (by status, assigned to me, unassigned, by team, by
// priority), and the conversations of the chosen view with unread marks. It
// follows the staff stream without refetching the page: a reply moves its
// conversation to the top from the event itself, and the conversations
// events name that the list cannot place by itself (new, changed, not shown)
// are asked for together, once per burst, as `ids=` of the view: those
// answered are placed, the others leave it. j and k move through the list.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { Avatar, errorText, relative } from '../shared/ui.js';

const STATUSES = ['NEW', 'OPEN', 'PENDING', 'COMPLETED', 'CLOSED'];
const title = (s) => s.charAt(0) + s.slice(1).toLowerCase();
const PAGE = 50;
/** Conversations one `ids=` read may name. */
const IDS = 100;

function views(me, lookups) {
  const list = [
    { id: 'mine', label: 'Assigned to me', params: { assigned_agent_id: me.id } },
    { id: 'unassigned', label: 'Unassigned', params: { assigned_agent_id: 'none' } },
    { id: 'all', label: 'All conversations', params: {} },
    ...STATUSES.map((s) => ({ id: `status-${s}`, label: title(s), params: { status: s }, group: 'Status' })),
  ];
  for (const t of lookups?.teams || []) list.push({ id: `team-${t.id}`, label: t.title, params: { assigned_team_id: t.id }, group: 'Teams' });
  for (const p of lookups?.priorities || []) list.push({ id: `priority-${p.id}`, label: p.label, params: { priority_id: p.id }, group: 'Priority' });
  return list;
}

// Times are whole seconds: within one, what the stream told last is newer (`heard`).
const newestFirst = (a, b) =>
  (b.updated_at || '').localeCompare(a.updated_at || '') || (b.heard || 0) - (a.heard || 0) || b.id - a.id;

export function Inbox({ api, me, lookups, selected, onSelect, subscribe, hidden }) {
  const [view, setView] = useState('all');
  const [items, setItems] = useState([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState(null);
  const all = views(me, lookups);
  const current = all.find((v) => v.id === view) || all[2];
  const list = useRef(null);
  // What the event handlers need, current without re-subscribing.
  const now = useRef({});
  now.current = { items, current, lookups, selected };
  const waiting = useRef({ ids: new Map(), order: new Map(), timer: null, generation: 0 });

  const load = async () => {
    const generation = ++waiting.current.generation;
    try {
      const page = await api.get('/conversations', { ...current.params, include: 'read_marker,user_minimal', limit: PAGE });
      if (generation !== waiting.current.generation) return;
      setItems([...page.data].sort(newestFirst));
      setTotal(page.total_count);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    waiting.current.ids.clear();
    waiting.current.order.clear();
    load();
  }, [view]);

  /** Puts fresh copies of conversations where they belong; `gone` ones leave the view. */
  const heard = useRef(0);
  /**
   * Puts fresh copies of conversations where they belong; `gone` ones leave
   * the list. `news` are new to the view (created); the count follows them
   * and the listed ones that left. `order` holds when each fetched one's
   * event was heard, so a fetch that returns late cannot put an older reply
   * above a newer one of the same second.
   */
  const place = (changed, gone = [], news = new Set(), order = new Map()) => {
    const fresh = changed.map((c) => ({ ...c, heard: order.get(c.id) ?? ++heard.current }));
    setItems((list) => {
      const out = new Set([...gone, ...fresh.map((c) => c.id)]);
      const kept = list.filter((x) => !out.has(x.id));
      const next = [...kept, ...fresh].sort(newestFirst);
      const added = fresh.filter((c) => news.has(c.id)).length;
      const removed = gone.filter((id) => list.some((x) => x.id === id)).length;
      if (added !== removed) setTotal((t) => Math.max(0, t + added - removed));
      return next.slice(0, Math.max(PAGE, list.length - removed));
    });
  };

  const flush = async () => {
    const w = waiting.current;
    w.timer = null;
    const ids = [...w.ids.keys()].slice(0, IDS);
    const why = new Map(ids.map((id) => [id, w.ids.get(id)]));
    const order = new Map(ids.map((id) => [id, w.order.get(id)]));
    for (const id of ids) {
      w.ids.delete(id);
      w.order.delete(id);
    }
    if (w.ids.size > 0) w.timer = setTimeout(flush, 0);
    const generation = w.generation;
    const params = now.current.current.params;
    const listed = new Set(now.current.items.map((c) => c.id));
    try {
      const page = await api.get('/conversations', { ...params, ids: ids.join(','), include: 'read_marker,user_minimal', limit: IDS });
      if (generation !== waiting.current.generation) return;
      const found = new Set(page.data.map((c) => c.id));
      const news = new Set(ids.filter((id) => why.get(id) === 'created' && found.has(id)));
      place(page.data, ids.filter((id) => !found.has(id)), news, order);
      // A change to one the list does not hold may have moved it into the view or out: ask the count.
      if (ids.some((id) => why.get(id) === 'changed' && !listed.has(id))) {
        const count = await api.get('/conversations', { ...params, limit: 1 });
        if (generation === waiting.current.generation) setTotal(count.total_count);
      }
    } catch (e) {
      setError(e);
    }
  };
  /** `why`: `created`, `changed`, or `replied` (what can move it into the view, or only in it). */
  const fetchLater = (id, why) => {
    const w = waiting.current;
    const before = w.ids.get(id);
    w.ids.set(id, before === 'created' || why === 'created' ? 'created' : before === 'changed' ? 'changed' : why);
    w.order.set(id, ++heard.current);
    if (!w.timer) w.timer = setTimeout(flush, 120);
  };

  useEffect(
    () =>
      subscribe((event) => {
        const { items: shown } = now.current;
        const id = event.data?.conversation_id;
        switch (event.event) {
          case 'resync':
            return load();
          case 'message.created': {
            const c = shown.find((x) => x.id === id);
            const m = event.data.message;
            if (!c || !m) return fetchLater(id, 'replied');
            const fromCustomer = m.creator?.id === c.requester?.id;
            const unread = fromCustomer && id !== now.current.selected ? (c.read_marker?.unread_count || 0) + 1 : c.read_marker?.unread_count;
            return place([{
              ...c,
              updated_at: m.created_at || c.updated_at,
              last_message_preview: (m.content_text || '').slice(0, 200) || c.last_message_preview,
              read_marker: c.read_marker ? { ...c.read_marker, unread_count: unread } : c.read_marker,
            }]);
          }
          case 'conversation.created':
            return fetchLater(id, 'created');
          case 'conversation.updated':
            return fetchLater(id, 'changed');
          case 'message.status_changed':
            // What I read is read in the list too.
            if (event.data.reader?.id === me.id && shown.some((x) => x.id === id)) fetchLater(id, 'replied');
            return undefined;
          default:
            return undefined;
        }
      }),
    [view],
  );
  useEffect(() => () => clearTimeout(waiting.current.timer), []);

  useEffect(() => {
    const keys = (e) => {
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName);
      if (hidden || typing || e.ctrlKey || e.metaKey || e.altKey || !['j', 'k'].includes(e.key) || items.length === 0) return;
      e.preventDefault();
      const at = items.findIndex((c) => c.id === selected);
      const next = e.key === 'j' ? Math.min(at + 1, items.length - 1) : Math.max(at - 1, 0);
      onSelect(items[at === -1 ? 0 : next].id);
      list.current?.querySelector(`[data-id="${items[at === -1 ? 0 : next].id}"]`)?.focus();
    };
    document.addEventListener('keydown', keys);
    return () => document.removeEventListener('keydown', keys);
  }, [items, selected, hidden]);

  let group = null;
  return html`<nav class="views" aria-label="Views">
      <ul>
        ${all.map((v) => {
          const heading = v.group && v.group !== group ? ((group = v.group), html`<li class="group" aria-hidden="true">${v.group}</li>`) : null;
          return html`${heading}<li key=${v.id}>
            <button type="button" class=${`view ${v.id === view ? 'current' : ''}`} aria-current=${v.id === view ? 'page' : undefined}
              onClick=${() => setView(v.id)}>${v.group ? html`<span class="visually-hidden">${v.group}: </span>` : ''}${v.label}</button>
          </li>`;
        })}
      </ul>
    </nav>
    <section class="list" aria-labelledby="list-title" hidden=${hidden}>
      <h1 id="list-title">${current.label} <span class="count">(${total})</span></h1>
      ${error && html`<p class="error" role="alert">${errorText(error)}</p>`}
      <ul ref=${list} class="items" aria-live="polite">
        ${items.map((c) => {
          const unread = c.read_marker?.unread_count || 0;
          const who = c.requester;
          return html`<li key=${c.id}>
            <button type="button" data-id=${c.id} class=${`item ${c.id === selected ? 'selected' : ''} ${unread ? 'unread' : ''}`}
              aria-current=${c.id === selected ? 'true' : undefined} onClick=${() => onSelect(c.id)}>
              <${Avatar} user=${who} size=${28} />
              <span class="who">${who?.full_name || 'Customer'}</span>
              <span class="when">${relative(c.updated_at)}</span>
              <span class="subject">${c.subject}</span>
              <span class="preview">${c.last_message_preview || ''}</span>
              ${unread > 0 && html`<span class="badge">${unread}<span class="visually-hidden"> unread</span></span>`}
            </button>
          </li>`;
        })}
      </ul>
      ${items.length === 0 && !error && html`<p class="hint empty">Nothing here.</p>`}
    </section>`;
}
