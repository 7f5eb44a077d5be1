// One conversation, as the team sees it: the timeline (with what the customer
// has seen, and the team's private notes), the customer typing, who else of
// the team is here and what they write, the composer (composer.js), the
// properties (status, priority, type, assignment, custom fields), the
// requester and their other conversations, and the rating.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { uuid4 } from '../shared/api.js';
import {
  Avatar, Timeline, applyReceipt, errorText, mergeReceipts, relative, useAttachments,
} from '../shared/ui.js';
import { Composer } from './composer.js';

/** "20 s ago", "3 min ago". */
function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return s < 90 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

const DOING = { VIEWING: 'is viewing', REPLYING: 'is writing a reply…', NOTING: 'is writing a note…' };

function Select({ id, label, value, options, onChange, none = 'None' }) {
  return html`<div class="prop">
    <label for=${id}>${label}</label>
    <select id=${id} onChange=${(e) => onChange(e.target.value)}>
      <option value="" selected=${!value}>${none}</option>
      ${options.map((o) => html`<option value=${o.id} selected=${String(o.id) === String(value)}>${o.label}</option>`)}
    </select>
  </div>`;
}

function title(list, fallback) {
  return list?.find((t) => t.locale === 'en-us')?.translation || list?.[0]?.translation || fallback;
}

function FieldEditor({ field, value, onSave }) {
  const id = `cf-${field.key}`;
  const label = title(field.titles, field.key);
  const options = (field.options || []).map((o) => ({ id: o.id, label: title(o.values, `Option ${o.id}`) }));
  if (['SELECT', 'RADIO', 'CASCADINGSELECT'].includes(field.type)) {
    return html`<${Select} id=${id} label=${label} value=${value} options=${options} onChange=${onSave} />`;
  }
  if (field.type === 'YESNO') {
    return html`<${Select} id=${id} label=${label} value=${value}
      options=${[{ id: 'true', label: 'Yes' }, { id: 'false', label: 'No' }]} onChange=${onSave} />`;
  }
  const type = { NUMERIC: 'number', DECIMAL: 'number', DATE: 'date' }[field.type] || 'text';
  return html`<div class="prop">
    <label for=${id}>${label}</label>
    <input id=${id} type=${type} value=${value ?? ''} step=${field.type === 'DECIMAL' ? 'any' : undefined}
      onChange=${(e) => onSave(e.target.value)} />
  </div>`;
}

export function Conversation({ api, id, me, lookups, subscribe, onOpen }) {
  const [c, setC] = useState(null);
  const [messages, setMessages] = useState([]);
  const [pending, setPending] = useState([]);
  const [requester, setRequester] = useState(null);
  const [others, setOthers] = useState([]);
  const [ratings, setRatings] = useState([]);
  const [notes, setNotes] = useState([]);
  const [typing, setTyping] = useState(null);
  const [viewers, setViewers] = useState([]);
  const [status, setStatus] = useState('');
  // The newest message I have seen answered: what "someone else replied since" counts from.
  const seenUpTo = useRef(null);
  const zone = useRef(null);
  const { files, setFiles, dragging } = useAttachments(zone);
  const staff = new Set((lookups?.staff || []).map((u) => u.id));

  const loadConversation = async () => {
    const r = await api.get(`/conversations/${id}`, { include: 'read_marker' });
    setC(r.data);
    return r.data;
  };
  const loadMessages = async () => {
    const all = (await api.all(`/conversations/${id}/messages`, { include: 'user_minimal' })).reverse();
    setMessages((current) => mergeReceipts(current, all));
    if (seenUpTo.current === null) seenUpTo.current = Math.max(0, ...all.map((m) => m.id));
    return all;
  };
  const loadNotes = async () => {
    const all = await api.all(`/conversations/${id}/notes`, { include: 'user_minimal' });
    setNotes(all.reverse());
  };
  const load = async () => {
    try {
      const conv = await loadConversation();
      await Promise.all([loadMessages(), loadNotes()]);
      const rid = conv.requester.id;
      const [person, theirs, rated] = await Promise.all([
        api.get(`/users/${rid}`),
        api.get('/conversations', { requester_id: rid, limit: 20 }),
        api.get(`/conversations/${id}/ratings`),
      ]);
      setRequester(person.data);
      setOthers(theirs.data.filter((x) => x.id !== id));
      setRatings(rated.data);
    } catch (e) {
      setStatus(errorText(e));
    }
  };
  useEffect(() => {
    load();
  }, [id]);

  // The team sees that I am here, said again while I stay; gone when I leave.
  useEffect(() => {
    const here = () =>
      api.post(`/conversations/${id}/viewers`, { activity: 'VIEWING' }).then((r) => setViewers(r.data)).catch(() => {});
    here();
    const again = setInterval(() => api.post(`/conversations/${id}/viewers`, {}).catch(() => {}), 15000);
    return () => {
      clearInterval(again);
      api.post(`/conversations/${id}/viewers`, { activity: 'LEFT' }).catch(() => {});
    };
  }, [id]);

  // What the agent reads is seen: the newest customer message moves the read marker.
  useEffect(() => {
    const last = [...messages].reverse().find((m) => !staff.has(m.creator?.id));
    if (last && last.message_status !== 'SEEN') {
      api.put(`/conversations/${id}/messages/${last.id}`, { message_status: 'SEEN' }).catch(() => {});
    }
  }, [messages.length, lookups]);

  useEffect(
    () =>
      subscribe((event) => {
        if (event.event === 'resync') return load();
        if (event.data?.conversation_id !== id) return undefined;
        switch (event.event) {
          case 'message.created':
            loadMessages();
            loadConversation();
            setTyping(null);
            break;
          case 'message.status_changed':
            setMessages((list) => {
              const next = applyReceipt(list, event.data);
              if (next === false) loadMessages();
              return next || list;
            });
            break;
          case 'conversation.updated':
            loadConversation();
            break;
          case 'message.delivery':
            loadMessages();
            break;
          case 'note.created':
          case 'note.updated':
            loadNotes();
            break;
          case 'viewers.changed':
            setViewers(event.data.viewers);
            break;
          case 'rating.created':
          case 'rating.updated':
            api.get(`/conversations/${id}/ratings`).then((r) => setRatings(r.data)).catch(() => {});
            break;
          case 'typing':
            if (event.data.user?.role === 'CUSTOMER') setTyping(event.data.is_typing ? event.data.user : null);
            break;
          default:
        }
        return undefined;
      }),
    [id],
  );
  useEffect(() => {
    if (!typing) return undefined;
    const t = setTimeout(() => setTyping(null), 8000);
    return () => clearTimeout(t);
  }, [typing]);

  const update = async (changes, what) => {
    setStatus(`Saving ${what}…`);
    try {
      const r = await api.put(`/conversations/${id}`, changes);
      setC(r.data);
      setStatus(`${what} saved`);
    } catch (e) {
      setStatus(errorText(e));
    }
  };

  const send = async (item) => {
    const patch = (p) => setPending((list) => list.map((x) => (x.client_id === item.client_id ? { ...x, ...p } : x)));
    patch({ failed: false });
    const fields = { contents: item.contents, client_id: item.client_id };
    if (item.cc) fields.cc = item.cc;
    if (item.macro_id) fields.macro_id = item.macro_id;
    try {
      await api.retrying(() =>
        api.upload(`/conversations/${id}/${item.note ? 'notes' : 'messages'}`, fields, item.files, (progress) => patch({ progress })),
      );
      if (item.note) await loadNotes();
      else seenUpTo.current = Math.max(seenUpTo.current || 0, ...(await loadMessages()).map((m) => m.id));
      setPending((list) => list.filter((x) => x.client_id !== item.client_id));
      if (item.macro_id) loadConversation().catch(() => {});
    } catch (e) {
      patch({ failed: true });
      setStatus(errorText(e));
    }
  };
  const onSend = (draft) => {
    const item = { ...draft, client_id: uuid4(), progress: draft.files.length ? 0 : undefined };
    setPending((list) => [...list, item]);
    send(item);
  };
  /** Another agent's reply since I last looked, fetched fresh; `null` if none. */
  const othersReplied = async () => {
    let fresh;
    try {
      fresh = await loadMessages();
    } catch {
      return null;
    }
    const since = seenUpTo.current || 0;
    const theirs = fresh.filter((m) => m.id > since && staff.has(m.creator?.id) && m.creator?.id !== me.id);
    seenUpTo.current = Math.max(since, ...fresh.map((m) => m.id));
    const last = theirs[theirs.length - 1];
    if (!last) return null;
    requestAnimationFrame(() => {
      const el = document.querySelector(`[data-message-id="${last.id}"]`);
      el?.scrollIntoView({ block: 'center' });
      el?.classList.add('flash');
    });
    const agent = (lookups?.staff || []).find((u) => u.id === last.creator?.id)?.full_name || last.creator?.full_name || 'a colleague';
    return { customer: requester?.full_name || 'The customer', agent, ago: ago(last.created_at), id: last.id };
  };

  if (!c) return html`<p class="hint empty" role="status">${status || 'Loading…'}</p>`;
  // Who the conversation's mail is copied to: the newest message by mail says.
  const copied = [...messages].reverse().find((m) => m.mail)?.mail.cc || [];
  const values = Object.fromEntries((c.custom_fields || []).map((v) => [v.field.id, v.value]));
  const rating = ratings[0];
  const read = c.read_marker;
  const timeline = [...messages, ...notes].sort((a, b) => a.created_at.localeCompare(b.created_at) || (a.resource_type === 'note') - (b.resource_type === 'note'));
  const people = Object.fromEntries((lookups?.staff || []).map((u) => [u.id, u]));
  const colleagues = viewers.filter((v) => v.user.id !== me.id);
  return html`<div class="conversation-view">
    <section ref=${zone} class=${`thread dropzone ${dragging ? 'dragging' : ''}`} aria-labelledby="conversation-title">
      <header class="bar">
        <h1 id="conversation-title">${c.subject}</h1>
        <span class="hint">#${c.id} · ${c.channel}</span>
      </header>
      <p class="viewers" role="status">${colleagues.map((v) => html`<span class=${`viewer ${v.activity.toLowerCase()}`} key=${v.user.id}>${v.user.full_name} ${DOING[v.activity] || ''}</span>`)}</p>
      <div class="scroll" tabindex="0">
        <${Timeline} api=${api} messages=${timeline} mine=${(m) => staff.has(m.creator?.id)} people=${people} pending=${pending} onRetry=${send} />
        <p class="typing" aria-live="polite">${typing ? `${typing.full_name} is typing…` : ''}</p>
      </div>
      <${Composer} api=${api} c=${c} me=${me} lookups=${lookups} requester=${requester} copied=${copied}
        files=${files} setFiles=${setFiles} othersReplied=${othersReplied} onSend=${onSend} />
    </section>
    <aside class="details" aria-label="Details">
      <p class="status-line" role="status">${status}</p>
      <h2>Properties</h2>
      ${lookups && html`
        <${Select} id="prop-status" label="Status" value=${c.status?.id} none="—"
          options=${lookups.statuses.map((s) => ({ id: s.id, label: s.label }))}
          onChange=${(v) => v && update({ status_id: Number(v) }, 'Status')} />
        <${Select} id="prop-priority" label="Priority" value=${c.priority?.id}
          options=${lookups.priorities.map((p) => ({ id: p.id, label: p.label }))}
          onChange=${(v) => v && update({ priority_id: Number(v) }, 'Priority')} />
        <${Select} id="prop-type" label="Type" value=${c.type?.id}
          options=${lookups.types.map((t) => ({ id: t.id, label: t.label }))}
          onChange=${(v) => v && update({ type_id: Number(v) }, 'Type')} />
        <${Select} id="prop-agent" label="Assigned agent" value=${c.assigned_agent?.id} none="Unassigned"
          options=${lookups.staff.filter((u) => u.role_type !== 'COLLABORATOR').map((u) => ({ id: u.id, label: u.id === me.id ? `${u.full_name} (me)` : u.full_name }))}
          onChange=${(v) => update({ assigned_agent_id: v ? Number(v) : null }, 'Assignment')} />
        <${Select} id="prop-team" label="Team" value=${c.assigned_team?.id} none="No team"
          options=${lookups.teams.map((t) => ({ id: t.id, label: t.title }))}
          onChange=${(v) => update({ assigned_team_id: v ? Number(v) : null }, 'Team')} />
        ${lookups.fields.length > 0 && html`<h3>Fields</h3>`}
        ${lookups.fields.map((f) => html`<${FieldEditor} key=${f.id} field=${f} value=${values[f.id]}
          onSave=${(v) => update({ field_values: { [f.key]: v } }, title(f.titles, f.key))} />`)}`}
      <h2>Customer</h2>
      ${requester && html`<div class="person">
        <${Avatar} user=${requester} size=${40} />
        <div><div class="name">${requester.full_name}</div><div class="hint">${requester.email}</div></div>
      </div>`}
      ${read?.last_read_at && html`<p class="hint">You last read this ${relative(read.last_read_at)}.</p>`}
      ${rating && html`<h2>Rating</h2>
        <p class="rating-given"><strong>${rating.score === 'GOOD' ? '👍 Good' : '👎 Bad'}</strong>
          ${rating.comment && html`<span>: “${rating.comment}”</span>`}</p>`}
      ${others.length > 0 && html`<h2>Their other conversations</h2>
        <ul class="others">${others.map((o) => html`<li key=${o.id}>
          <button type="button" class="link" onClick=${() => onOpen(o.id)}>${o.subject}</button>
          <span class="hint"> ${relative(o.updated_at)}</span></li>`)}</ul>`}
    </aside>
  </div>`;
}
