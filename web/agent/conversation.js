// One conversation, as the team sees it: the timeline (with what the customer
// has seen), the customer typing, the reply box with files (Ctrl+Enter
// sends), the properties (status, priority, type, assignment, custom
// fields), the requester and their other conversations, and the rating.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { uuid4 } from '../shared/api.js';
import {
  Avatar, FileChooser, Timeline, applyReceipt, errorText, mergeReceipts, relative, typingNotifier, useAttachments,
} from '../shared/ui.js';

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
  const [typing, setTyping] = useState(null);
  const [text, setText] = useState('');
  const [cc, setCc] = useState('');
  const [status, setStatus] = useState('');
  const zone = useRef(null);
  const { files, setFiles, dragging } = useAttachments(zone);
  const staff = new Set((lookups?.staff || []).map((u) => u.id));

  const loadConversation = async () => {
    const r = await api.get(`/conversations/${id}`, { include: 'read_marker' });
    setC(r.data);
    return r.data;
  };
  const loadMessages = async () => {
    const all = await api.all(`/conversations/${id}/messages`, { include: 'user_minimal' });
    setMessages((current) => mergeReceipts(current, all.reverse()));
  };
  const load = async () => {
    try {
      const conv = await loadConversation();
      await loadMessages();
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

  const notify = useRef(
    typingNotifier(
      () => api.post(`/conversations/${id}/typing`, { is_typing: true }).catch(() => {}),
      () => api.post(`/conversations/${id}/typing`, { is_typing: false }).catch(() => {}),
    ),
  );

  const send = async (item) => {
    const patch = (p) => setPending((list) => list.map((x) => (x.client_id === item.client_id ? { ...x, ...p } : x)));
    patch({ failed: false });
    try {
      await api.retrying(() =>
        api.upload(`/conversations/${id}/messages`, { contents: item.contents, client_id: item.client_id, ...(item.cc ? { cc: item.cc } : {}) }, item.files, (progress) => patch({ progress })),
      );
      await loadMessages();
      setPending((list) => list.filter((x) => x.client_id !== item.client_id));
    } catch (e) {
      patch({ failed: true });
      setStatus(errorText(e));
    }
  };
  const submit = (e) => {
    e?.preventDefault();
    if (!text.trim() && files.length === 0) return;
    const item = { client_id: uuid4(), contents: text.trim() || '(file)', files, cc: cc.trim(), progress: files.length ? 0 : undefined };
    setPending((list) => [...list, item]);
    setText('');
    setCc('');
    setFiles([]);
    send(item);
  };

  if (!c) return html`<p class="hint empty" role="status">${status || 'Loading…'}</p>`;
  // Who the conversation's mail is copied to: the newest message by mail says.
  const copied = [...messages].reverse().find((m) => m.mail)?.mail.cc || [];
  const values = Object.fromEntries((c.custom_fields || []).map((v) => [v.field.id, v.value]));
  const rating = ratings[0];
  const read = c.read_marker;
  return html`<div class="conversation-view">
    <section ref=${zone} class=${`thread dropzone ${dragging ? 'dragging' : ''}`} aria-labelledby="conversation-title">
      <header class="bar">
        <h1 id="conversation-title">${c.subject}</h1>
        <span class="hint">#${c.id} · ${c.channel}</span>
      </header>
      <div class="scroll">
        <${Timeline} api=${api} messages=${messages} mine=${(m) => staff.has(m.creator?.id)} people=${{}} pending=${pending} onRetry=${send} />
        <p class="typing" aria-live="polite">${typing ? `${typing.full_name} is typing…` : ''}</p>
      </div>
      <form class="composer" onSubmit=${submit}>
        ${c.channel === 'MAIL' && html`<div class="mail-reply">
          <p class="hint">This reply is mailed to ${requester?.email || 'the customer'}${copied.length > 0 ? `, copying ${copied.join(', ')}` : ''}.</p>
          <label for="reply-cc">Add Cc</label>
          <input id="reply-cc" type="text" inputmode="email" placeholder="name@example.com, …" value=${cc} onInput=${(e) => setCc(e.target.value)} />
        </div>`}
        <label for="reply" class="visually-hidden">Reply</label>
        <textarea id="reply" value=${text} placeholder="Reply… (Ctrl+Enter sends)"
          onInput=${(e) => {
            setText(e.target.value);
            notify.current();
          }}
          onKeyDown=${(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
          }}></textarea>
        <div class="actions">
          <${FileChooser} id="reply-files" files=${files} setFiles=${setFiles} />
          <button type="submit">Send</button>
        </div>
      </form>
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
