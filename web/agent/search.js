// Search: the box in the top bar (`/` focuses it, Escape leaves it) and the
// results in place of the list, updated as the agent types, the matched
// words highlighted (the server's snippet: escaped text, matches in <em>).
// The filters are chips that add or remove a term of the query, so the box
// always shows the whole query and can be edited by hand.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { errorText, relative } from '../shared/ui.js';

/** The chips: each toggles one term of the query language. */
export const CHIPS = [
  { term: 'status:open', label: 'Open' },
  { term: 'assignee:me', label: 'Assigned to me' },
  { term: 'assignee:none', label: 'Unassigned' },
  { term: 'channel:mail', label: 'By mail' },
  { term: 'from:me', label: 'Written by me' },
  { term: 'in:conversations', label: 'Conversations only' },
  { term: 'in:users', label: 'People only' },
];

const terms = (query) => query.split(/\s+/).filter(Boolean);

/** The query with `term` added, or removed when it is there. */
export function toggled(query, term) {
  const list = terms(query);
  const at = list.findIndex((t) => t.toLowerCase() === term);
  if (at === -1) return [...list, term].join(' ');
  list.splice(at, 1);
  return list.join(' ');
}

export function SearchBox({ query, setQuery }) {
  const box = useRef(null);
  useEffect(() => {
    const keys = (e) => {
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName) || e.target.isContentEditable;
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        box.current?.focus();
        box.current?.select();
      }
    };
    document.addEventListener('keydown', keys);
    return () => document.removeEventListener('keydown', keys);
  }, []);
  return html`<form class="search" role="search" onSubmit=${(e) => e.preventDefault()}>
    <label for="search" class="visually-hidden">Search conversations, people and organizations</label>
    <input id="search" ref=${box} type="search" autocomplete="off" placeholder="Search  ( / )" value=${query}
      onInput=${(e) => setQuery(e.target.value)}
      onKeyDown=${(e) => {
        if (e.key === 'Escape') {
          setQuery('');
          e.target.blur();
        } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
          e.preventDefault();
          (document.querySelector('.results .hit button') || document.querySelector('.results .hit.other'))?.focus();
        }
      }} />
  </form>`;
}

const KIND = { conversation: 'Conversation', user: 'Person', organization: 'Organization' };

export function SearchResults({ api, query, setQuery, selected, onSelect }) {
  const [state, setState] = useState({ hits: [], total: 0, busy: true, error: null, for: '' });
  const asked = useRef(0);
  useEffect(() => {
    const n = ++asked.current;
    setState((s) => ({ ...s, busy: true }));
    const t = setTimeout(async () => {
      try {
        const r = await api.get('/search', { query, limit: 30, include: 'conversation,user,organization' });
        if (n === asked.current) setState({ hits: r.data, total: r.total_count, busy: false, error: null, for: query });
      } catch (e) {
        if (n === asked.current) setState({ hits: [], total: 0, busy: false, error: e, for: query });
      }
    }, 150);
    return () => clearTimeout(t);
  }, [query]);
  const on = new Set(terms(query).map((t) => t.toLowerCase()));
  return html`<section class="list results" aria-labelledby="results-title">
    <h1 id="results-title">Results <span class="count">(${state.total}${state.total >= 1000 ? '+' : ''})</span></h1>
    <div class="chips" role="group" aria-label="Filters">
      ${CHIPS.map((c) => html`<button type="button" key=${c.term} class="chip" aria-pressed=${on.has(c.term) ? 'true' : 'false'}
        onClick=${() => setQuery(toggled(query, c.term))}>${c.label}</button>`)}
    </div>
    <p class="hint" role="status">${state.busy ? 'Searching…' : state.error ? '' : `${state.hits.length === 0 ? 'Nothing found' : `${state.total} found`} for “${state.for}”`}</p>
    ${state.error && html`<p class="error" role="alert">${errorText(state.error)}</p>`}
    <ul class="items hits">
      ${state.hits.map((h) => {
        const snippet = h.snippet && html`<span class="snippet" dangerouslySetInnerHTML=${{ __html: h.snippet }}></span>`;
        const when = h.data?.updated_at && html`<span class="when">${relative(h.data.updated_at)}</span>`;
        if (h.resource === 'conversation') {
          return html`<li key=${`c${h.id}`} class="hit">
            <button type="button" class=${`item ${h.id === selected ? 'selected' : ''}`} data-id=${h.id}
              aria-current=${h.id === selected ? 'true' : undefined} onClick=${() => onSelect(h.id)}>
              <span class="who">${h.title}</span>${when}
              <span class="subject">${h.data?.requester?.full_name || ''} · #${h.id}</span>
              ${snippet}
            </button>
          </li>`;
        }
        return html`<li key=${`${h.resource}${h.id}`} class="hit other" tabindex="-1">
          <span class="kind">${KIND[h.resource] || h.resource}</span>
          <span class="who">${h.title}</span>
          ${snippet}
        </li>`;
      })}
    </ul>
  </section>`;
}
