// One conversation, as the customer sees it: the messages in order, live;
// receipts both ways (the widget reports DELIVERED when an agent's message
// arrives and SEEN once it is shown); typing both ways; sending with files,
// progress and retries that reuse the message's client_id; and the rating,
// asked once the conversation is completed and changeable later.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { uuid4 } from '../shared/api.js';
import { FileChooser, Timeline, applyReceipt, errorText, mergeReceipts, typingNotifier, useAttachments } from '../shared/ui.js';

const RANK = { SENT: 0, DELIVERED: 1, SEEN: 2 };

function Rating({ api, conversationId }) {
  const [rating, setRating] = useState(null);
  const [score, setScore] = useState(null);
  const [comment, setComment] = useState('');
  const [state, setState] = useState('');
  useEffect(() => {
    api.get(`/conversations/${conversationId}/ratings`).then((r) => {
      const last = r.data[0];
      if (last) {
        setRating(last);
        setScore(last.score);
        setComment(last.comment || '');
      }
    }).catch(() => {});
  }, [conversationId]);
  const save = async (e) => {
    e.preventDefault();
    setState('Saving…');
    try {
      const body = { score, comment };
      const r = rating
        ? await api.put(`/conversations/${conversationId}/ratings/${rating.id}`, body)
        : await api.post(`/conversations/${conversationId}/ratings`, body);
      setRating(r.data);
      setState('Thank you for your feedback!');
    } catch (err) {
      setState(errorText(err));
    }
  };
  return html`<form class="rating" onSubmit=${save} aria-labelledby="rating-title">
    <h2 id="rating-title">${rating ? 'Your rating' : 'How did we do?'}</h2>
    <div class="scores" role="group" aria-label="Score">
      <button type="button" class=${score === 'GOOD' ? '' : 'secondary'} aria-pressed=${score === 'GOOD'} onClick=${() => setScore('GOOD')}>👍 Good</button>
      <button type="button" class=${score === 'BAD' ? '' : 'secondary'} aria-pressed=${score === 'BAD'} onClick=${() => setScore('BAD')}>👎 Bad</button>
    </div>
    <label for="rating-comment">Comment (optional)</label>
    <textarea id="rating-comment" value=${comment} onInput=${(e) => setComment(e.target.value)}></textarea>
    <button type="submit" disabled=${!score}>${rating ? 'Update rating' : 'Send rating'}</button>
    <p class="status-line" role="status">${state}</p>
  </form>`;
}

export function Thread({ api, id, subscribe, shown, email, onBack, onRead }) {
  const [conversation, setConversation] = useState(null);
  const [byMail, setByMail] = useState(false);
  const [messages, setMessages] = useState([]);
  const [pending, setPending] = useState([]);
  const [typing, setTyping] = useState(null);
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const zone = useRef(null);
  const input = useRef(null);
  const { files, setFiles, dragging } = useAttachments(zone);
  const reported = useRef(new Map());

  // A customer who gave an email also gets the replies they miss here by mail.
  useEffect(() => {
    if (!email) return;
    api.get('/conversations/starter').then((s) => setByMail(Boolean(s.data.replies_by_mail))).catch(() => {});
  }, [email]);

  const upsert = (list, m) => {
    const others = list.filter((x) => x.id !== m.id);
    return [...others, m].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
  };

  const load = async () => {
    try {
      const [c, ms] = await Promise.all([
        api.get(`/conversations/${id}`, { include: 'case_status' }),
        api.all(`/conversations/${id}/messages`, { include: 'user_minimal' }),
      ]);
      setConversation(c.data);
      setMessages((current) => mergeReceipts(current, ms.reverse()));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  // Tell the agents what reached the customer, and what the customer saw.
  const report = (list) => {
    const visible = shown && document.visibilityState === 'visible';
    for (const m of list) {
      const theirs = conversation && m.creator?.id !== conversation.requester?.id;
      if (!theirs) continue;
      const want = visible ? 'SEEN' : 'DELIVERED';
      const done = reported.current.get(m.id) ?? RANK[m.message_status] ?? 0;
      if (done >= RANK[want]) continue;
      reported.current.set(m.id, RANK[want]);
      api.put(`/conversations/${id}/messages/${m.id}`, { message_status: want }).then(() => want === 'SEEN' && onRead?.()).catch(() => reported.current.delete(m.id));
    }
  };

  useEffect(() => {
    load();
  }, [id]);
  useEffect(() => {
    report(messages);
  }, [messages, conversation, shown]);
  useEffect(() => {
    const again = () => report(messages);
    document.addEventListener('visibilitychange', again);
    return () => document.removeEventListener('visibilitychange', again);
  }, [messages, conversation]);

  useEffect(
    () =>
      subscribe((event) => {
        if (event.event === 'resync') return load();
        if (event.data?.conversation_id !== id) return undefined;
        switch (event.event) {
          case 'message.created':
            api.get(`/conversations/${id}/messages/${event.data.message.id}`, { include: 'user_minimal' })
              .then((m) => setMessages((list) => upsert(list, m.data)))
              .catch(() => {});
            if (event.data.message.creator?.id !== conversation?.requester?.id) setTyping(null);
            break;
          case 'message.status_changed':
            setMessages((list) => {
              const next = applyReceipt(list, event.data);
              if (next === false) load();
              return next || list;
            });
            break;
          case 'conversation.updated':
            api.get(`/conversations/${id}`, { include: 'case_status' }).then((c) => setConversation(c.data)).catch(() => {});
            break;
          case 'typing':
            if (event.data.user?.role !== 'CUSTOMER') setTyping(event.data.is_typing ? event.data.user : null);
            break;
          default:
        }
        return undefined;
      }),
    [id, conversation?.requester?.id],
  );
  // A typing indicator that nobody clears fades out.
  useEffect(() => {
    if (!typing) return undefined;
    const t = setTimeout(() => setTyping(null), 8000);
    return () => clearTimeout(t);
  }, [typing]);

  const notify = useRef(
    typingNotifier(
      () => api.post(`/conversations/${id}/typing`, { is_typing: true }).catch(() => {}),
      () => api.post(`/conversations/${id}/typing`, { is_typing: false }).catch(() => {}),
    ),
  );

  const send = async (item) => {
    const update = (patch) => setPending((list) => list.map((p) => (p.client_id === item.client_id ? { ...p, ...patch } : p)));
    update({ failed: false });
    try {
      const r = await api.retrying(() =>
        api.upload(`/conversations/${id}/messages`, { contents: item.contents, client_id: item.client_id }, item.files, (progress) => update({ progress })),
      );
      const created = await api.get(`/conversations/${id}/messages/${r.data.id}`, { include: 'user_minimal' });
      setMessages((list) => upsert(list, created.data));
      setPending((list) => list.filter((p) => p.client_id !== item.client_id));
    } catch (e) {
      update({ failed: true });
      setError(e);
    }
  };

  const submit = (e) => {
    e.preventDefault();
    if (!text.trim() && files.length === 0) return;
    const item = { client_id: uuid4(), contents: text.trim() || '(file)', files, progress: files.length ? 0 : undefined };
    setPending((list) => [...list, item]);
    setText('');
    setFiles([]);
    setError(null);
    send(item);
    input.current?.focus();
  };

  const status = conversation?.status;
  const completed = status && ['COMPLETED', 'CLOSED'].includes(status.type);
  const mine = (m) => m.creator?.id === conversation?.requester?.id;
  return html`<section ref=${zone} class=${`thread dropzone ${dragging ? 'dragging' : ''}`} aria-labelledby="thread-title">
    <header class="bar">
      <button type="button" class="link back" onClick=${onBack} aria-label="Back to conversations">←</button>
      <h1 id="thread-title">${conversation?.subject || 'Conversation'}</h1>
    </header>
    ${byMail && !conversation?.is_closed && html`<p class="mail-note hint">Replies you miss here also come to you by mail at <strong>${email}</strong>; you can answer them from your inbox.</p>`}
    <div class="scroll">
      <${Timeline} api=${api} messages=${messages} mine=${mine} people=${{}} pending=${pending} onRetry=${send} />
      <p class="typing" aria-live="polite">${typing ? `${typing.full_name} is typing…` : ''}</p>
      ${completed && html`<${Rating} api=${api} conversationId=${id} />`}
    </div>
    ${conversation?.is_closed
      ? html`<p class="closed hint" role="status">This conversation is closed. Start a new one to write to us again.</p>`
      : html`<form class="composer" onSubmit=${submit}>
          <label for="reply" class="visually-hidden">Your message</label>
          <textarea id="reply" ref=${input} value=${text} placeholder="Write a message…"
            onInput=${(e) => {
              setText(e.target.value);
              notify.current();
            }}
            onKeyDown=${(e) => {
              if (e.key === 'Enter' && !e.shiftKey) submit(e);
            }}></textarea>
          <div class="actions">
            <${FileChooser} id="reply-files" files=${files} setFiles=${setFiles} />
            <button type="submit">Send</button>
          </div>
        </form>`}
    ${error && html`<p class="error" role="alert">${errorText(error)}</p>`}
  </section>`;
}
