// Writing in a conversation: a reply to the customer or a private note to
// the team (`@` offers the agents to mention), saved replies (the button, or
// `/` in an empty box: it fills the text and shows the changes sending will
// apply, in the same write as the message), and what the rest of the team
// should know meanwhile: the customer sees "typing" for a reply only, the
// team sees "writing a reply" or "writing a note".

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { FileChooser, errorText, typingNotifier } from '../shared/ui.js';

/** The `@partial` being typed just before the caret, if any. */
function mentionAt(text, caret) {
  const m = /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(text.slice(0, caret));
  return m ? { start: caret - m[2].length - 1, partial: m[2].toLowerCase() } : null;
}

/** The changes a saved reply applies, in words. */
function changesOf(m, lookups) {
  if (!m || !lookups) return [];
  const name = (list, id, key = 'label') => list.find((x) => x.id === id)?.[key];
  const ch = m.changes || {};
  return [
    ch.status && `Status → ${name(lookups.statuses, ch.status.id) || ch.status.id}`,
    ch.priority && `Priority → ${name(lookups.priorities, ch.priority.id) || ch.priority.id}`,
    ch.assigned_agent && `Assigned agent → ${name(lookups.staff, ch.assigned_agent.id, 'full_name') || ch.assigned_agent.id}`,
    ch.assigned_team && `Team → ${name(lookups.teams, ch.assigned_team.id, 'title') || ch.assigned_team.id}`,
  ].filter(Boolean);
}

function MacroPicker({ api, onPick, onClose }) {
  const [macros, setMacros] = useState(null);
  const [filter, setFilter] = useState('');
  const box = useRef(null);
  useEffect(() => {
    box.current?.focus();
    api.all('/macros').then(setMacros).catch(() => setMacros([]));
  }, []);
  const shown = (macros || []).filter((m) => m.title.toLowerCase().includes(filter.toLowerCase()));
  return html`<div class="picker" role="dialog" aria-label="Saved replies"
    onKeyDown=${(e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    }}>
    <label for="macro-filter">Find a saved reply</label>
    <input id="macro-filter" ref=${box} type="text" autocomplete="off" placeholder="Type to find…" value=${filter}
      onInput=${(e) => setFilter(e.target.value)}
      onKeyDown=${(e) => {
        if (e.key === 'Enter' && shown[0]) {
          e.preventDefault();
          onPick(shown[0]);
        } else if (e.key === 'ArrowDown') {
          e.preventDefault();
          e.target.closest('.picker').querySelector('.macros button')?.focus();
        }
      }} />
    ${macros === null && html`<p class="hint">Loading…</p>`}
    ${macros && shown.length === 0 && html`<p class="hint">No saved reply matches.</p>`}
    <ul class="macros">
      ${shown.map((m) => html`<li key=${m.id}>
        <button type="button" class="macro" onClick=${() => onPick(m)}
          onKeyDown=${(e) => {
            const step = { ArrowDown: 'nextElementSibling', ArrowUp: 'previousElementSibling' }[e.key];
            if (!step) return;
            e.preventDefault();
            e.target.closest('li')[step]?.querySelector('button')?.focus();
          }}>
          <span class="title">${m.title}</span>${!m.is_shared && html`<span class="hint"> (mine)</span>`}
          <span class="preview">${m.reply_text}</span>
        </button>
      </li>`)}
    </ul>
  </div>`;
}

export function Composer({ api, c, me, lookups, requester, copied, files, setFiles, othersReplied, onSend }) {
  const [mode, setMode] = useState('reply');
  const [text, setText] = useState('');
  const [cc, setCc] = useState('');
  const [macro, setMacro] = useState(null);
  const [picking, setPicking] = useState(false);
  const [mention, setMention] = useState(null);
  const [choice, setChoice] = useState(0);
  const [warning, setWarning] = useState(null);
  const [problem, setProblem] = useState(null);
  const box = useRef(null);
  const note = mode === 'note';

  // The customer hears "typing" of replies only; the team hears both, apart.
  const activity = useRef({ idle: null, now: 'VIEWING' });
  const tell = (what) => {
    if (activity.current.now === what) return;
    activity.current.now = what;
    api.post(`/conversations/${c.id}/viewers`, { activity: what }).catch(() => {});
  };
  const customerTyping = useRef(
    typingNotifier(
      () => api.post(`/conversations/${c.id}/typing`, { is_typing: true }).catch(() => {}),
      () => api.post(`/conversations/${c.id}/typing`, { is_typing: false }).catch(() => {}),
    ),
  );
  const typed = () => {
    tell(note ? 'NOTING' : 'REPLYING');
    if (!note) customerTyping.current();
    clearTimeout(activity.current.idle);
    activity.current.idle = setTimeout(() => tell('VIEWING'), 5000);
  };
  useEffect(() => () => clearTimeout(activity.current.idle), []);

  const staff = (lookups?.staff || []).filter((u) => u.id !== me.id);
  const suggestions = mention
    ? staff.filter((u) => u.full_name.toLowerCase().includes(mention.partial) || u.email?.toLowerCase().startsWith(mention.partial)).slice(0, 6)
    : [];

  const pickMention = (u) => {
    const caret = box.current.selectionStart;
    const next = `${text.slice(0, mention.start)}@${u.full_name} ${text.slice(caret)}`;
    setText(next);
    setMention(null);
    requestAnimationFrame(() => {
      const at = mention.start + u.full_name.length + 2;
      box.current?.focus();
      box.current?.setSelectionRange(at, at);
    });
  };

  const pickMacro = async (m) => {
    setPicking(false);
    try {
      const r = await api.get(`/macros/${m.id}`, { conversation_id: c.id });
      setMacro(r.data);
      setMode('reply');
      setText(r.data.reply_filled ?? r.data.reply_text);
    } catch (e) {
      setProblem(errorText(e));
    }
    requestAnimationFrame(() => box.current?.focus());
  };

  const clear = () => {
    setText('');
    setCc('');
    setMacro(null);
    setWarning(null);
    setFiles([]);
    clearTimeout(activity.current.idle);
    tell('VIEWING');
  };

  const submit = async (e, confirmed = false) => {
    e?.preventDefault();
    if (!text.trim() && files.length === 0) return;
    setProblem(null);
    if (!note && !confirmed) {
      // Someone else answered since I opened it (or since I last looked): say so before sending.
      const other = await othersReplied();
      if (other) {
        setWarning(other);
        return;
      }
    }
    onSend({ note, contents: text.trim() || '(file)', files, cc: note ? '' : cc.trim(), macro_id: note ? null : macro?.id });
    clear();
  };

  const changes = changesOf(macro, lookups);
  const label = note ? 'Private note' : 'Reply';
  return html`<form class=${`composer ${note ? 'noting' : ''}`} onSubmit=${submit}>
    <div class="modes" role="group" aria-label="Write">
      <button type="button" class="mode" aria-pressed=${note ? 'false' : 'true'} onClick=${() => setMode('reply')}>To the customer</button>
      <button type="button" class="mode" aria-pressed=${note ? 'true' : 'false'} onClick=${() => {
        setMode('note');
        setMacro(null);
      }}>Private note</button>
      ${!note && html`<button type="button" class="secondary small" aria-expanded=${picking ? 'true' : 'false'} onClick=${() => setPicking(!picking)}>Saved replies</button>`}
    </div>
    ${picking && html`<${MacroPicker} api=${api} onPick=${pickMacro} onClose=${() => {
      setPicking(false);
      box.current?.focus();
    }} />`}
    ${warning && html`<div class="warning" role="alert">
      <p><strong>${warning.customer} got a reply from ${warning.agent} ${warning.ago}.</strong> It is shown above; send yours too?</p>
      <button type="button" onClick=${() => submit(null, true)}>Send anyway</button>
      <button type="button" class="secondary" onClick=${() => {
        setWarning(null);
        box.current?.focus();
      }}>Edit my reply</button>
    </div>`}
    ${!note && c.channel === 'MAIL' && html`<div class="mail-reply">
      <p class="hint">This reply is mailed to ${requester?.email || 'the customer'}${copied.length > 0 ? `, copying ${copied.join(', ')}` : ''}.</p>
      <label for="reply-cc">Add Cc</label>
      <input id="reply-cc" type="text" inputmode="email" placeholder="name@example.com, …" value=${cc} onInput=${(e) => setCc(e.target.value)} />
    </div>`}
    ${note && html`<p class="hint">Only the team sees notes. Type @ to mention an agent.</p>`}
    <label for="reply" class="visually-hidden">${label}</label>
    <textarea id="reply" ref=${box} value=${text}
      placeholder=${note ? 'Private note… (@ mentions, Ctrl+Enter saves)' : 'Reply… (/ for saved replies, Ctrl+Enter sends)'}
      aria-controls=${suggestions.length > 0 ? 'mentions' : undefined}
      aria-activedescendant=${suggestions.length > 0 ? `mention-${suggestions[Math.min(choice, suggestions.length - 1)].id}` : undefined}
      onInput=${(e) => {
        const v = e.target.value;
        if (!note && v === '/' && text === '') {
          e.target.value = '';
          setPicking(true);
          return;
        }
        setText(v);
        setMention(note ? mentionAt(v, e.target.selectionStart) : null);
        setChoice(0);
        typed();
      }}
      onKeyDown=${(e) => {
        if (suggestions.length > 0) {
          const at = Math.min(choice, suggestions.length - 1);
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setChoice((at + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
            return;
          }
          if (e.key === 'Enter' || e.key === 'Tab') {
            e.preventDefault();
            pickMention(suggestions[at]);
            return;
          }
          if (e.key === 'Escape') {
            e.preventDefault();
            setMention(null);
            return;
          }
        }
        if (e.key === 'Escape' && picking) setPicking(false);
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
      }}></textarea>
    ${suggestions.length > 0 && html`<ul id="mentions" class="mentions" role="listbox" aria-label="Agents to mention">
      ${suggestions.map((u, i) => html`<li key=${u.id} id=${`mention-${u.id}`} role="option"
        aria-selected=${i === Math.min(choice, suggestions.length - 1) ? 'true' : 'false'}
        onMouseDown=${(e) => {
          e.preventDefault();
          pickMention(u);
        }}>${u.full_name}</li>`)}
    </ul>`}
    ${macro && html`<div class="macro-applied" role="status">
      <span>Saved reply “${macro.title}”${changes.length > 0 ? ' also sets: ' : ''}</span>
      ${changes.map((ch) => html`<span class="chip" key=${ch}>${ch}</span>`)}
      <button type="button" class="link" onClick=${() => setMacro(null)}>Don’t apply</button>
    </div>`}
    ${problem && html`<p class="error" role="alert">${problem}</p>`}
    <div class="actions">
      <${FileChooser} id="reply-files" files=${files} setFiles=${setFiles} />
      <button type="submit">${note ? 'Add note' : 'Send'}</button>
    </div>
  </form>`;
}
