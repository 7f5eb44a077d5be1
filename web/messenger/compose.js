// A new conversation: the customer's name and email the first time
// (remembered), the topic when there are several forms, the form's custom
// fields, the message and its files. The server validates; its messages are
// shown beside the fields they concern. A lost network is retried with the
// same client_id, so the conversation is never created twice.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { ApiError, uuid4 } from '../shared/api.js';
import { FileChooser, errorText, useAttachments } from '../shared/ui.js';
import { Field, fieldValues, translated } from './fields.js';

function remembered(store) {
  try {
    return JSON.parse(store.get('parley.me')) || {};
  } catch {
    return {};
  }
}

export function Compose({ api, store, onBack, onCreated }) {
  const me = remembered(store);
  const [name, setName] = useState(me.name || '');
  const [email, setEmail] = useState(me.email || '');
  const [contents, setContents] = useState('');
  const [forms, setForms] = useState([]);
  const [formId, setFormId] = useState(null);
  const [values, setValues] = useState({});
  const [error, setError] = useState(null);
  const [progress, setProgress] = useState(null);
  const [clientId] = useState(uuid4);
  const zone = useRef(null);
  const { files, setFiles, dragging } = useAttachments(zone);
  const known = Boolean(me.email);

  useEffect(() => {
    api.get('/conversations/forms', { include: '*' }).then((f) => {
      setForms(f.data);
      if (f.data.length) setFormId(f.data[0].id);
    }).catch(() => {});
  }, []);
  const form = forms.find((f) => f.id === formId);
  const fields = form?.fields || [];
  const about = (parameter) => error instanceof ApiError && error.about(parameter);

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setProgress(0);
    try {
      const upload = async (file) => {
        const r = await api.retrying(() => api.upload('/files', {}, [file], null, 'content'));
        return r.data.id;
      };
      const field_values = await fieldValues(fields, values, upload);
      const subject = contents.trim().split('\n')[0].slice(0, 80) || 'New conversation';
      const params = {
        name: name.trim() || undefined,
        email: email.trim() || undefined,
        subject,
        contents,
        source: 'MESSENGER',
        client_id: clientId,
        form_id: form?.id,
        field_values: Object.keys(field_values).length ? field_values : undefined,
        metadata: { user_agent_raw: navigator.userAgent, page_url: document.referrer || location.href },
      };
      const created = await api.retrying(() => api.upload('/conversations', params, files, setProgress));
      store.set('parley.me', JSON.stringify({ name: name.trim(), email: email.trim() }));
      onCreated(created.data);
    } catch (err) {
      setError(err);
      setProgress(null);
    }
  };

  return html`<section class="compose" aria-labelledby="compose-title">
    <header class="bar">
      <button type="button" class="link back" onClick=${onBack} aria-label="Back to conversations">←</button>
      <h1 id="compose-title">New conversation</h1>
    </header>
    <form onSubmit=${submit} ref=${zone} class=${`dropzone ${dragging ? 'dragging' : ''}`} novalidate>
      ${!known && html`<div class="field">
          <label for="me-name">Your name</label>
          <input id="me-name" type="text" autocomplete="name" value=${name} onInput=${(e) => setName(e.target.value)}
            aria-invalid=${about('name') ? 'true' : undefined} aria-describedby=${about('name') ? 'me-name-error' : undefined} />
          ${about('name') && html`<span class="field-error" id="me-name-error">${about('name')}</span>`}
        </div>
        <div class="field">
          <label for="me-email">Your email</label>
          <input id="me-email" type="email" autocomplete="email" value=${email} onInput=${(e) => setEmail(e.target.value)}
            aria-invalid=${about('email') ? 'true' : undefined} aria-describedby=${about('email') ? 'me-email-error' : undefined} />
          ${about('email') && html`<span class="field-error" id="me-email-error">${about('email')}</span>`}
        </div>`}
      ${forms.length > 1 && html`<div class="field">
        <label for="topic">Topic</label>
        <select id="topic" onChange=${(e) => setFormId(Number(e.target.value))}>
          ${forms.map((f) => html`<option value=${f.id} selected=${f.id === formId}>${translated(f.titles, f.title)}</option>`)}
        </select>
      </div>`}
      ${fields.map((f) => html`<${Field} key=${f.id} field=${f} value=${values[f.key]}
        error=${about(`field_values.${f.key}`)} onChange=${(v) => setValues({ ...values, [f.key]: v })} />`)}
      <div class="field">
        <label for="message">Message</label>
        <textarea id="message" value=${contents} onInput=${(e) => setContents(e.target.value)} required
          aria-invalid=${about('contents') ? 'true' : undefined} aria-describedby=${about('contents') ? 'message-error' : undefined}></textarea>
        ${about('contents') && html`<span class="field-error" id="message-error">${about('contents')}</span>`}
      </div>
      <${FileChooser} id="compose-files" files=${files} setFiles=${setFiles} />
      ${progress !== null && progress < 1 && files.length > 0 && html`<progress max="1" value=${progress} aria-label="Uploading"></progress>`}
      <p class="status-line" role="status">${error && html`<span class="error">${errorText(error)}</span>`}</p>
      <button type="submit" disabled=${progress !== null && !error}>Send</button>
    </form>
  </section>`;
}
