// Insights (`/agent/insights`): the week's or month's numbers for a support
// lead. KPI tiles against the previous period of the same length, volume
// (created against completed), how long first answers and resolutions take,
// a sortable table per agent, satisfaction with the latest comments. The
// filters live in the page's address, so a view can be bookmarked or sent.
// A conversation that completes, anywhere, refreshes the numbers.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { errorText } from '../shared/ui.js';
import { BarChart } from './charts.js';

const DAY = 86400000;
const CHANNELS = ['MAIL', 'MESSENGER', 'HELPCENTER', 'TWITTER', 'FACEBOOK'];
const RANGES = [7, 30, 90];

const isoDate = (d) => d.toISOString().slice(0, 10);
const addDays = (date, n) => isoDate(new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY));

/** The filters from the address: `from`/`to` are days, both included. */
function fromAddress() {
  const q = new URLSearchParams(window.location.search);
  const days = RANGES.includes(Number(q.get('days'))) ? Number(q.get('days')) : 30;
  const today = isoDate(new Date());
  const valid = (d) => (/^\d{4}-\d{2}-\d{2}$/.test(d || '') ? d : null);
  const from = valid(q.get('from'));
  const to = valid(q.get('to'));
  return {
    days: from && to ? null : days,
    from: from && to ? from : addDays(today, 1 - days),
    to: from && to ? to : today,
    team_id: q.get('team_id') || '',
    agent_id: q.get('agent_id') || '',
    channel: q.get('channel') || '',
    interval: q.get('interval') === 'week' ? 'week' : 'day',
  };
}

function toAddress(f) {
  const q = new URLSearchParams();
  if (f.days) q.set('days', f.days);
  else {
    q.set('from', f.from);
    q.set('to', f.to);
  }
  for (const k of ['team_id', 'agent_id', 'channel']) if (f[k]) q.set(k, f[k]);
  if (f.interval !== 'day') q.set('interval', f.interval);
  const text = q.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${text ? `?${text}` : ''}`);
}

/** The API's parameters for the days `from`..`to` (its `to` is exclusive). */
function params(f, shift = 0) {
  const out = { from: addDays(f.from, shift), to: addDays(f.to, 1 + shift), interval: f.interval };
  for (const k of ['team_id', 'agent_id', 'channel']) if (f[k]) out[k] = f[k];
  return out;
}

const spanDays = (f) => Math.round((Date.parse(f.to) - Date.parse(f.from)) / DAY) + 1;

/** Seconds in words: 45 s, 12 min, 3.5 h, 2.1 days. */
export function duration(s) {
  if (s == null) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(s < 36000 ? 1 : 0)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

const count = (n) => (n == null ? '–' : n.toLocaleString('en'));
const percent = (n) => (n == null ? '–' : `${n}%`);

/** The change against the previous period, and whether it is good news. */
function change(now, before, lowerIsBetter) {
  if (now == null || before == null) return { text: 'no earlier figure', tone: 'flat' };
  if (before === 0) return { text: now === 0 ? 'same as before' : 'new this period', tone: 'flat' };
  const pct = Math.round(((now - before) / before) * 100);
  if (pct === 0) return { text: 'same as before', tone: 'flat' };
  const better = lowerIsBetter ? pct < 0 : pct > 0;
  return { text: `${pct > 0 ? '▲' : '▼'} ${Math.abs(pct)}% vs previous`, tone: better ? 'better' : 'worse' };
}

function Tile({ label, value, now, before, lowerIsBetter = false, id }) {
  const c = change(now, before, lowerIsBetter);
  return html`<div class="tile" id=${id}>
    <span class="tile-label">${label}</span>
    <strong class="tile-value">${value}</strong>
    <span class=${`tile-change ${c.tone}`}>${c.text}</span>
  </div>`;
}

const SORTS = {
  name: (r) => r.name.toLowerCase(),
  assigned: (r) => r.assigned,
  completed: (r) => r.completed,
  first_response_median: (r) => r.first_response_median ?? Infinity,
  csat_score: (r) => r.csat_score ?? -1,
};

function Agents({ rows }) {
  const [sort, setSort] = useState({ key: 'assigned', down: true });
  const sorted = [...rows].sort((a, b) => {
    const [x, y] = [SORTS[sort.key](a), SORTS[sort.key](b)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.down ? -order : order;
  });
  const header = (key, label) => {
    const current = sort.key === key;
    return html`<th scope="col" aria-sort=${current ? (sort.down ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="link" onClick=${() => setSort({ key, down: current ? !sort.down : key !== 'name' })}>
        ${label}${current ? (sort.down ? ' ↓' : ' ↑') : ''}
      </button>
    </th>`;
  };
  return html`<section class="card agents" aria-labelledby="agents-title">
    <h2 id="agents-title">By agent</h2>
    ${rows.length === 0
      ? html`<p class="hint">No conversation in this period was assigned to anyone.</p>`
      : html`<div class="table-scroll"><table>
          <thead><tr>
            ${header('name', 'Agent')}${header('assigned', 'Assigned')}${header('completed', 'Completed')}
            ${header('first_response_median', 'First response')}${header('csat_score', 'Satisfaction')}
          </tr></thead>
          <tbody>
            ${sorted.map(
              (r) => html`<tr>
                <th scope="row">${r.name}</th><td>${count(r.assigned)}</td><td>${count(r.completed)}</td>
                <td>${duration(r.first_response_median)}</td>
                <td>${percent(r.csat_score)}${r.ratings ? html` <span class="hint">(${r.ratings})</span>` : ''}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`}
  </section>`;
}

function Satisfaction({ csat, people }) {
  return html`<section class="card csat" aria-labelledby="csat-title">
    <h2 id="csat-title">Satisfaction</h2>
    <p class="csat-score"><strong>${percent(csat.score)}</strong>${' '}good${' '}
      <span class="hint">(${count(csat.good)} good, ${count(csat.bad)} bad of ${count(csat.ratings)} ratings)</span></p>
    ${csat.ratings > 0 &&
    html`<div class="meter" aria-hidden="true"><span style=${`width: ${(csat.good / csat.ratings) * 100}%`}></span></div>`}
    <h3>Latest comments</h3>
    ${csat.comments.length === 0
      ? html`<p class="hint">No comments in this period.</p>`
      : html`<ul class="comments">
          ${csat.comments.map(
            (c) => html`<li class=${c.score === 'GOOD' ? 'good' : 'bad'}>
              <span class="verdict">${c.score === 'GOOD' ? 'Good' : 'Bad'}</span>
              <q>${c.comment}</q>
              <span class="hint">${people.get(c.creator.id) || 'A customer'},${' '}<a href=${`/agent/#/conversations/${c.conversation.id}`}>conversation ${c.conversation.id}</a></span>
            </li>`,
          )}
        </ul>`}
  </section>`;
}

function Filters({ filters, setFilters, teams, agents }) {
  const set = (change) => setFilters({ ...filters, ...change });
  return html`<form class="filters" aria-label="Filters" onSubmit=${(e) => e.preventDefault()}>
    <div>
      <label for="range">Period</label>
      <select id="range" value=${filters.days || 'custom'}
        onChange=${(e) => {
          const v = e.target.value;
          if (v === 'custom') set({ days: null });
          else {
            const today = isoDate(new Date());
            set({ days: Number(v), from: addDays(today, 1 - Number(v)), to: today });
          }
        }}>
        ${RANGES.map((d) => html`<option value=${d}>Last ${d} days</option>`)}
        <option value="custom">Custom dates</option>
      </select>
    </div>
    ${!filters.days &&
    html`<div>
        <label for="from">From</label>
        <input id="from" type="date" value=${filters.from} max=${filters.to} onChange=${(e) => e.target.value && set({ from: e.target.value })} />
      </div>
      <div>
        <label for="to">To</label>
        <input id="to" type="date" value=${filters.to} min=${filters.from} onChange=${(e) => e.target.value && set({ to: e.target.value })} />
      </div>`}
    <div>
      <label for="team">Team</label>
      <select id="team" value=${filters.team_id} onChange=${(e) => set({ team_id: e.target.value })}>
        <option value="">All teams</option>
        ${teams.map((t) => html`<option value=${t.id}>${t.title}</option>`)}
      </select>
    </div>
    <div>
      <label for="agent">Agent</label>
      <select id="agent" value=${filters.agent_id} onChange=${(e) => set({ agent_id: e.target.value })}>
        <option value="">Everyone</option>
        ${agents.map((a) => html`<option value=${a.id}>${a.full_name}</option>`)}
      </select>
    </div>
    <div>
      <label for="channel">Channel</label>
      <select id="channel" value=${filters.channel} onChange=${(e) => set({ channel: e.target.value })}>
        <option value="">All channels</option>
        ${CHANNELS.map((c) => html`<option value=${c}>${c.charAt(0) + c.slice(1).toLowerCase()}</option>`)}
      </select>
    </div>
    <div>
      <label for="interval">By</label>
      <select id="interval" value=${filters.interval} onChange=${(e) => set({ interval: e.target.value })}>
        <option value="day">Day</option>
        <option value="week">Week</option>
      </select>
    </div>
  </form>`;
}

const dayName = (iso) =>
  new Date(iso.slice(0, 10) + 'T12:00:00Z').toLocaleDateString('en', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const shortDay = (iso) => new Date(iso.slice(0, 10) + 'T12:00:00Z').toLocaleDateString('en', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** The Reports view; `subscribe` hears the staff stream's events. */
export function Insights({ api, subscribe }) {
  const [filters, setFilters] = useState(fromAddress);
  const [data, setData] = useState(null);
  const [problem, setProblem] = useState(null);
  const [lists, setLists] = useState({ teams: [], agents: [], people: new Map() });
  const [updated, setUpdated] = useState(null);
  const asked = useRef(0);
  const refresh = useRef(() => {});

  useEffect(() => {
    Promise.all([api.get('/teams'), api.all('/users', { role: 'OWNER,ADMIN,AGENT' })])
      .then(([teams, staff]) => setLists((l) => ({ ...l, teams: teams.data, agents: staff })))
      .catch(() => {});
  }, []);

  const load = async (f) => {
    const n = ++asked.current;
    try {
      const span = spanDays(f);
      const [now, before] = await Promise.all([
        api.get('/insights/summary', { ...params(f), include: 'user_minimal' }),
        api.get('/insights/summary', params(f, -span)),
      ]);
      if (n !== asked.current) return;
      const people = new Map();
      for (const row of now.data.by_agent) if (row.agent.full_name) people.set(row.agent.id, row.agent.full_name);
      for (const c of now.data.csat.comments) if (c.creator.full_name) people.set(c.creator.id, c.creator.full_name);
      setLists((l) => ({ ...l, people }));
      setData({ now: now.data, before: before.data });
      setProblem(null);
      setUpdated(new Date());
    } catch (e) {
      if (n === asked.current) setProblem(errorText(e));
    }
  };
  refresh.current = () => load(filters);

  useEffect(() => {
    toAddress(filters);
    load(filters);
  }, [JSON.stringify(filters)]);

  // A completion anywhere changes the numbers: refresh, at most every 2 s.
  useEffect(() => {
    let timer = null;
    const later = () => {
      if (!timer) timer = setTimeout(() => ((timer = null), refresh.current()), 2000);
    };
    const off = subscribe((event) => {
      if (event.event === 'resync') later();
      if (event.event === 'conversation.updated' || event.event === 'conversation.created' || event.event === 'message.created') later();
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, []);

  const d = data?.now;
  const b = data?.before;
  const agentRows = (d?.by_agent || []).map((r) => ({ ...r, name: lists.people.get(r.agent.id) || `Agent ${r.agent.id}` }));
  const label = d?.interval === 'week' ? (iso) => `Week of ${dayName(iso)}` : dayName;

  return html`<main class="insights" aria-labelledby="insights-title">
    <div class="insights-head">
      <h1 id="insights-title">Insights</h1>
      <p class="hint" role="status">${d ? `${dayName(d.from)} – ${dayName(new Date(Date.parse(d.to) - 1000).toISOString())}, ${d.time_zone}` : 'Loading…'}
        ${updated && html` · updated ${updated.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`}</p>
      <${Download} api=${api} filters=${filters} />
    </div>
    <${Filters} filters=${filters} setFilters=${setFilters} teams=${lists.teams} agents=${lists.agents} />
    ${problem && html`<p class="error" role="alert">${problem}</p>`}
    ${d &&
    html`<section class="tiles" aria-label="Key figures">
        <${Tile} id="tile-created" label="Conversations" value=${count(d.conversations_created)} now=${d.conversations_created} before=${b.conversations_created} />
        <${Tile} id="tile-completed" label="Completed" value=${count(d.conversations_completed)} now=${d.conversations_completed} before=${b.conversations_completed} />
        <${Tile} id="tile-first-response" label="First response (median)" value=${duration(d.first_response_seconds.median)}
          now=${d.first_response_seconds.median} before=${b.first_response_seconds.median} lowerIsBetter />
        <${Tile} id="tile-resolution" label="Resolution (median)" value=${duration(d.resolution_seconds.median)}
          now=${d.resolution_seconds.median} before=${b.resolution_seconds.median} lowerIsBetter />
        <${Tile} id="tile-csat" label="Satisfaction" value=${percent(d.csat.score)} now=${d.csat.score} before=${b.csat.score} />
        <${Tile} id="tile-replies" label="Replies per conversation" value=${d.replies_per_conversation.toFixed(1)}
          now=${d.replies_per_conversation} before=${b.replies_per_conversation} lowerIsBetter />
      </section>
      <section class="card wide" aria-label="Volume">
        <${BarChart} id="chart-volume" title="Created and completed" labels=${d.by_interval.map((i) => label(i.start))}
          short=${d.interval === 'week' ? (l) => l.replace('Week of ', '').replace(/^\w+ /, '') : (l) => l.replace(/^\w+ /, '')}
          series=${[
            { name: 'Created', values: d.by_interval.map((i) => i.created) },
            { name: 'Completed', values: d.by_interval.map((i) => i.completed) },
          ]} format=${count} />
      </section>
      <section class="card" aria-label="First response times">
        <${BarChart} id="chart-first-response" title=${`First response: median ${duration(d.first_response_seconds.median)}, 90% within ${duration(d.first_response_seconds.p90)}`}
          labels=${d.first_response_seconds.buckets.map((x) => x.label)} axis="Time"
          series=${[{ name: 'Conversations', values: d.first_response_seconds.buckets.map((x) => x.count) }]} format=${count} />
      </section>
      <section class="card" aria-label="Resolution times">
        <${BarChart} id="chart-resolution" title=${`Resolution: median ${duration(d.resolution_seconds.median)}, 90% within ${duration(d.resolution_seconds.p90)}`}
          labels=${d.resolution_seconds.buckets.map((x) => x.label)} axis="Time"
          series=${[{ name: 'Conversations', values: d.resolution_seconds.buckets.map((x) => x.count) }]} format=${count} />
      </section>
      <${Agents} rows=${agentRows} />
      <${Satisfaction} csat=${d.csat} people=${lists.people} />
      <section class="card channels" aria-labelledby="channels-title">
        <h2 id="channels-title">By channel</h2>
        ${d.by_channel.length === 0
          ? html`<p class="hint">Nothing came in.</p>`
          : html`<ul class="channel-list">
              ${d.by_channel.map(
                (c) => html`<li><span>${c.channel.charAt(0) + c.channel.slice(1).toLowerCase()}</span>
                  <span class="meter" aria-hidden="true"><span style=${`width: ${(c.created / d.conversations_created) * 100}%`}></span></span>
                  <strong>${count(c.created)}</strong></li>`,
              )}
            </ul>`}
      </section>`}
  </main>`;
}

/** "Download CSV": the export needs the session's header, so it is fetched, then saved. */
function Download({ api, filters }) {
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const q = new URLSearchParams({ ...params(filters), rows: 'conversations' });
      const res = await fetch(`/api/v1/insights/export.csv?${q}`, { headers: api.headers('GET') });
      if (!res.ok) throw new Error(`The export failed (${res.status})`);
      const href = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = href;
      a.download = `parley-insights-${filters.from}-to-${filters.to}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(href), 1000);
    } finally {
      setBusy(false);
    }
  };
  return html`<button type="button" class="secondary" disabled=${busy} onClick=${save}>Download CSV</button>`;
}
