// The inbox: views (by status, assigned to me, unassigned, by team, by
// priority), and the conversations of the chosen view with unread marks. It
// follows the staff stream: a new conversation appears and a reply moves its
// conversation to the top, without polling. j and k move through the list.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { Avatar, errorText, relative } from '../shared/ui.js';

const STATUSES = ['NEW', 'OPEN', 'PENDING', 'COMPLETED', 'CLOSED'];
const title = (s) => s.charAt(0) + s.slice(1).toLowerCase();

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

export function Inbox({ api, me, lookups, selected, onSelect, subscribe }) {
  const [view, setView] = useState('all');
  const [items, setItems] = useState([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState(null);
  const all = views(me, lookups);
  const current = all.find((v) => v.id === view) || all[2];
  const timer = useRef(null);
  const list = useRef(null);

  const load = async () => {
    try {
      const page = await api.get('/conversations', { ...current.params, include: 'read_marker,user_minimal', limit: 50 });
      const sorted = [...page.data].sort((a, b) => (b.updated_at || '').localeCompare(a.updated_at || '') || b.id - a.id);
      setItems(sorted);
      setTotal(page.total_count);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    load();
  }, [view]);
  useEffect(
    () =>
      subscribe((event) => {
        if (event.event === 'typing') return;
        clearTimeout(timer.current);
        timer.current = setTimeout(load, 150);
      }),
    [view],
  );

  useEffect(() => {
    const keys = (e) => {
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName);
      if (typing || e.ctrlKey || e.metaKey || e.altKey || !['j', 'k'].includes(e.key) || items.length === 0) return;
      e.preventDefault();
      const at = items.findIndex((c) => c.id === selected);
      const next = e.key === 'j' ? Math.min(at + 1, items.length - 1) : Math.max(at - 1, 0);
      onSelect(items[at === -1 ? 0 : next].id);
      list.current?.querySelector(`[data-id="${items[at === -1 ? 0 : next].id}"]`)?.focus();
    };
    document.addEventListener('keydown', keys);
    return () => document.removeEventListener('keydown', keys);
  }, [items, selected]);

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
    <section class="list" aria-labelledby="list-title">
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
