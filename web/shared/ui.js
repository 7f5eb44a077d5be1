// What both apps show the same way: people, times, message timelines with
// day separators and receipts, attachments (fetched with credentials), and
// the composer's file handling (button, drag and drop, paste).

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';

export { html };

const DAY = 86400000;

/** "just now", "5 min ago", "14:02" (today), "Mon 14:02" (this week), "3 Mar". */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const t = new Date(iso);
  const ago = now - t.getTime();
  if (ago < 60000) return 'just now';
  if (ago < 3600000) return `${Math.floor(ago / 60000)} min ago`;
  const time = t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (new Date(now).toDateString() === t.toDateString()) return time;
  if (ago < 6 * DAY) return `${t.toLocaleDateString([], { weekday: 'short' })} ${time}`;
  return t.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

/** "Today", "Yesterday", or the date, for day separators. */
export function dayLabel(iso, now = Date.now()) {
  const t = new Date(iso);
  const today = new Date(now).toDateString();
  if (t.toDateString() === today) return 'Today';
  if (t.toDateString() === new Date(now - DAY).toDateString()) return 'Yesterday';
  return t.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** A person's avatar (the server draws initials) with their name as its text. */
export function Avatar({ user, size = 32 }) {
  if (!user?.avatar) return html`<span class="avatar placeholder" aria-hidden="true" style=${`width:${size}px;height:${size}px`}></span>`;
  return html`<img class="avatar" src=${new URL(user.avatar).pathname} alt="" width=${size} height=${size} />`;
}

/** Receipt ticks with their meaning spelled out for screen readers. */
export function Ticks({ status }) {
  const label = { SENT: 'Sent', DELIVERED: 'Delivered', SEEN: 'Seen' }[status] || status;
  const marks = status === 'SENT' ? '✓' : '✓✓';
  return html`<span class=${`ticks ${String(status).toLowerCase()}`} role="img" aria-label=${label} title=${label}>${marks}</span>`;
}

/** Who a message by mail came from and went to (staff see this). */
function MailAddresses({ mail }) {
  const list = (label, xs) => xs?.length > 0 && html`<span><span class="label">${label}</span> ${xs.join(', ')}</span>`;
  return html`<div class="mail-addresses">
    <span><span class="label">From</span> ${mail.from}</span>${list('To', mail.to)}${list('Cc', mail.cc)}
    ${mail.automated && html`<span class="automated">Automatic reply</span>`}
  </div>`;
}

/** What became of a reply sent by mail. */
function Delivery({ m }) {
  const words = {
    QUEUED: ['Queued for mail', 'queued'],
    SENT: ['Sent by mail', 'sent'],
    BOUNCED: ['Bounced', 'bounced'],
    FAILED: ['Not delivered', 'failed'],
  }[m.mail.delivery] || [m.mail.delivery, ''];
  const why = m.message_status_reject_reason;
  return html`<span class=${`delivery ${words[1]}`} title=${why || words[0]}>✉ ${words[0]}${why ? `: ${why}` : ''}</span>`;
}

function humanSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** An attachment: a thumbnail that opens the image, or a link that downloads the file. */
export function Attachment({ api, a }) {
  const [thumb, setThumb] = useState(null);
  const [busy, setBusy] = useState(false);
  const t = a.thumbnails?.[0];
  useEffect(() => {
    let live = true;
    if (t) api.blobUrl(t.url).then((u) => live && setThumb(u)).catch(() => {});
    return () => {
      live = false;
    };
  }, [t?.url]);
  const open = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const href = await api.blobUrl(t ? a.url : a.url_download);
      const link = document.createElement('a');
      link.href = href;
      if (t) link.target = '_blank';
      else link.download = a.name;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
    } finally {
      setBusy(false);
    }
  };
  if (t) {
    return html`<a class="attachment image" href=${a.url} onClick=${open} aria-label=${`Open image ${a.name}`}>
      ${thumb
        ? html`<img src=${thumb} alt=${a.name} width=${t.width} height=${t.height} />`
        : html`<span class="thumb-placeholder" style=${`width:${t.width}px;height:${t.height}px`}></span>`}
    </a>`;
  }
  return html`<a class="attachment file" href=${a.url_download} onClick=${open} aria-busy=${busy}>
    <span aria-hidden="true">📄</span> ${a.name} <span class="size">${humanSize(a.size)}</span>
  </a>`;
}

/**
 * Messages in order, day separators between days, the caller's own on one
 * side; `people` maps user ids to users (names, avatars).
 */
export function Timeline({ api, messages, mine, people, pending = [], onRetry }) {
  const end = useRef(null);
  const count = messages.length + pending.length;
  useEffect(() => end.current?.scrollIntoView({ block: 'end' }), [count]);
  let day = null;
  const rows = [];
  for (const m of messages) {
    const label = dayLabel(m.created_at);
    if (label !== day) {
      day = label;
      rows.push(html`<li class="day" key=${`day-${m.resource_type}-${m.id}`}><span>${label}</span></li>`);
    }
    const own = mine(m);
    const who = people[m.creator?.id] || m.creator;
    if (m.resource_type === 'note') {
      // The team's private notes (the inbox only): their HTML is the server's, escaped, mentions marked.
      rows.push(html`<li key=${`note-${m.id}`} class="note" data-note-id=${m.id}>
        <div class="bubble">
          <div class="author"><span class="tag">Private note</span> ${who?.full_name || 'Agent'}</div>
          <div class="text" dangerouslySetInnerHTML=${{ __html: m.body_html }}></div>
          ${m.attachments?.length > 0 && html`<div class="attachments">${m.attachments.map((a) => html`<${Attachment} key=${a.id} api=${api} a=${a} />`)}</div>`}
          <div class="meta"><time datetime=${m.created_at} title=${new Date(m.created_at).toLocaleString()}>${relative(m.created_at)}</time></div>
        </div>
      </li>`);
      continue;
    }
    rows.push(html`<li key=${m.id} class=${`message ${own ? 'own' : 'theirs'}`} data-message-id=${m.id}>
      ${!own && html`<${Avatar} user=${who} />`}
      <div class="bubble">
        ${!own && html`<div class="author">${who?.full_name || 'Support'}</div>`}
        ${m.mail && html`<${MailAddresses} mail=${m.mail} />`}
        ${m.content_text && html`<p class="text">${m.content_text}</p>`}
        ${m.mail?.quoted_text && html`<details class="quoted"><summary>Quoted history</summary><p class="text">${m.mail.quoted_text}</p></details>`}
        ${m.attachments?.length > 0 && html`<div class="attachments">${m.attachments.map((a) => html`<${Attachment} key=${a.id} api=${api} a=${a} />`)}</div>`}
        <div class="meta">
          <time datetime=${m.created_at} title=${new Date(m.created_at).toLocaleString()}>${relative(m.created_at)}</time>
          ${m.mail?.delivery && html`<${Delivery} m=${m} />`}
          ${own && !m.mail?.delivery && html`<${Ticks} status=${m.message_status} />`}
        </div>
      </div>
    </li>`);
  }
  for (const p of pending) {
    rows.push(html`<li key=${p.client_id} class=${`${p.note ? 'note' : 'message own'} pending`} aria-busy=${!p.failed}>
      <div class="bubble">
        <p class="text">${p.contents}</p>
        ${p.files?.length > 0 && html`<div class="attachments">${p.files.map((f) => html`<span class="attachment file">${f.name}</span>`)}</div>`}
        <div class="meta">
          ${p.failed
            ? html`<span class="error">Not sent. </span><button type="button" class="link" onClick=${() => onRetry(p)}>Retry</button>`
            : p.progress !== undefined && p.progress < 1
              ? html`<progress max="1" value=${p.progress} aria-label="Uploading"></progress>`
              : html`<span>Sending…</span>`}
        </div>
      </div>
    </li>`);
  }
  return html`<ol class="timeline" aria-live="polite" aria-relevant="additions" aria-label="Messages">
    ${rows}<li ref=${end} class="end" aria-hidden="true"></li>
  </ol>`;
}

/**
 * Files for the next message: a button, drag and drop onto `target`, and
 * paste; `files` and `setFiles` hold the choice.
 */
export function useAttachments(target) {
  const [files, setFiles] = useState([]);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const el = target.current;
    if (!el) return undefined;
    const add = (list) => list.length && setFiles((f) => [...f, ...list]);
    const over = (e) => {
      if ([...(e.dataTransfer?.types || [])].includes('Files')) {
        e.preventDefault();
        setDragging(true);
      }
    };
    const leave = () => setDragging(false);
    const drop = (e) => {
      e.preventDefault();
      setDragging(false);
      add([...(e.dataTransfer?.files || [])]);
    };
    const paste = (e) => add([...(e.clipboardData?.files || [])]);
    el.addEventListener('dragover', over);
    el.addEventListener('dragleave', leave);
    el.addEventListener('drop', drop);
    el.addEventListener('paste', paste);
    return () => {
      el.removeEventListener('dragover', over);
      el.removeEventListener('dragleave', leave);
      el.removeEventListener('drop', drop);
      el.removeEventListener('paste', paste);
    };
  }, [target.current]);
  return { files, setFiles, dragging };
}

/** The chosen files, each removable, and the button that adds more. */
export function FileChooser({ id, files, setFiles }) {
  const input = useRef(null);
  return html`<div class="files">
    <input ref=${input} id=${id} type="file" multiple class="visually-hidden"
      onChange=${(e) => {
        setFiles((f) => [...f, ...e.target.files]);
        e.target.value = '';
      }} />
    <label for=${id} class="button secondary attach">Attach files</label>
    ${files.length > 0 && html`<ul class="chosen" aria-label="Files to send">
      ${files.map((f, i) => html`<li key=${`${f.name}-${i}`}>${f.name}
        <button type="button" class="link" aria-label=${`Remove ${f.name}`} onClick=${() => setFiles(files.filter((_, j) => j !== i))}>✕</button></li>`)}
    </ul>`}
  </div>`;
}

/** Calls `send` at most every few seconds while the user types, and `stop` when they pause. */
export function typingNotifier(send, stop, every = 3000) {
  let last = 0;
  let timer = null;
  return () => {
    const now = Date.now();
    if (now - last > every) {
      last = now;
      send();
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      last = 0;
      stop();
    }, every);
  };
}

const RANK = { SENT: 0, DELIVERED: 1, SEEN: 2 };

/**
 * `fresh` messages, keeping for each the furthest receipt already known
 * (a receipt event may overtake the read that lists its message).
 */
export function mergeReceipts(current, fresh) {
  const known = new Map(current.map((m) => [m.id, m.message_status]));
  return fresh.map((m) => {
    const was = known.get(m.id);
    return was && (RANK[was] ?? -1) > (RANK[m.message_status] ?? -1) ? { ...m, message_status: was } : m;
  });
}

/** A receipt event applied to a list; `false` when its message is not (yet) there. */
export function applyReceipt(list, event) {
  const at = list.findIndex((m) => m.id === event.message_id);
  if (at === -1) return false;
  if ((RANK[list[at].message_status] ?? -1) >= (RANK[event.message_status] ?? -1)) return list;
  const next = [...list];
  next[at] = { ...list[at], message_status: event.message_status };
  return next;
}

/** The server's messages of an error, for a status line. */
export function errorText(e) {
  if (e?.status === 429 && e.retryAfter) return `${e.message} (try again in ${e.retryAfter} s)`;
  if (e?.errors?.length) return e.errors.map((x) => x.message).join(' ');
  return e?.message || 'Something went wrong';
}
