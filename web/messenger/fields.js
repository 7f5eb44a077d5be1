// A form's custom fields, each rendered by its type, with the server's own
// validation message beside the field it concerns. Values are kept as the
// API takes them: text, option ids, `true`/`false`, or (FILE) a File that is
// uploaded first and sent as its id.

import { html } from '../vendor/preact-htm.js';

/** The translation for the reader's language, else English, else the first. */
export function translated(list, fallback = '') {
  if (!list?.length) return fallback;
  const lang = (navigator.language || 'en-us').toLowerCase();
  const pick =
    list.find((t) => t.locale?.toLowerCase() === lang) ||
    list.find((t) => t.locale?.toLowerCase().split('-')[0] === lang.split('-')[0]) ||
    list.find((t) => t.locale?.toLowerCase() === 'en-us') ||
    list[0];
  return pick.translation;
}

const optionLabel = (o) => translated(o.values, `Option ${o.id}`);

function Choice({ field, id, value, onChange, kind }) {
  const chosen = kind === 'checkbox' ? value || [] : value;
  return html`<div role="group" aria-labelledby=${`${id}-label`}>
    ${field.options.map((o) => {
      const oid = String(o.id);
      const checked = kind === 'checkbox' ? chosen.includes(oid) : chosen === oid;
      const toggle = (e) => {
        if (kind === 'radio') return onChange(oid);
        return onChange(e.target.checked ? [...chosen, oid] : chosen.filter((x) => x !== oid));
      };
      return html`<label class="choice" key=${o.id}>
        <input type=${kind} name=${id} value=${oid} checked=${checked} onChange=${toggle} /> ${optionLabel(o)}
      </label>`;
    })}
  </div>`;
}

function Cascading({ field, id, value, onChange, describedBy, invalid }) {
  const byParent = (p) => field.options.filter((o) => (o.parent?.id ?? null) === p);
  const chosen = field.options.find((o) => String(o.id) === value);
  const top = chosen?.parent ? chosen.parent.id : chosen?.id;
  const children = top ? byParent(top) : [];
  return html`<div class="cascading">
    <select id=${id} aria-describedby=${describedBy} aria-invalid=${invalid}
      onChange=${(e) => onChange(e.target.value)}>
      <option value="">Choose…</option>
      ${byParent(null).map((o) => html`<option value=${o.id} selected=${String(top) === String(o.id)}>${optionLabel(o)}</option>`)}
    </select>
    ${children.length > 0 && html`<label for=${`${id}-child`}>${optionLabel(field.options.find((o) => o.id === top))}: which one?</label>
      <select id=${`${id}-child`} onChange=${(e) => onChange(e.target.value || String(top))}>
        <option value="">Choose…</option>
        ${children.map((o) => html`<option value=${o.id} selected=${value === String(o.id)}>${optionLabel(o)}</option>`)}
      </select>`}
  </div>`;
}

/** One field: its label, its control by type, its description and error. */
export function Field({ field, value, onChange, error }) {
  const id = `field-${field.key}`;
  const title = translated(field.titles, field.key);
  const description = translated(field.descriptions);
  const describedBy = [description && `${id}-description`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const invalid = error ? 'true' : undefined;
  const text = (type, extra = {}) => html`<input id=${id} type=${type} value=${value ?? ''} required=${field.is_required}
    aria-describedby=${describedBy} aria-invalid=${invalid} onInput=${(e) => onChange(e.target.value)} ...${extra} />`;
  let control;
  switch (field.type) {
    case 'TEXTAREA':
      control = html`<textarea id=${id} required=${field.is_required} aria-describedby=${describedBy} aria-invalid=${invalid}
        onInput=${(e) => onChange(e.target.value)}>${value ?? ''}</textarea>`;
      break;
    case 'NUMERIC':
      control = text('number', { step: '1', inputmode: 'numeric' });
      break;
    case 'DECIMAL':
      control = text('number', { step: 'any', inputmode: 'decimal' });
      break;
    case 'DATE':
      control = text('date');
      break;
    case 'REGEX':
      control = text('text', { spellcheck: false });
      break;
    case 'YESNO':
      control = html`<select id=${id} aria-describedby=${describedBy} aria-invalid=${invalid} onChange=${(e) => onChange(e.target.value)}>
        <option value="" selected=${!value}>Choose…</option>
        <option value="true" selected=${value === 'true'}>Yes</option>
        <option value="false" selected=${value === 'false'}>No</option>
      </select>`;
      break;
    case 'SELECT':
      control = html`<select id=${id} aria-describedby=${describedBy} aria-invalid=${invalid} onChange=${(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        ${field.options.map((o) => html`<option value=${o.id} selected=${value === String(o.id)}>${optionLabel(o)}</option>`)}
      </select>`;
      break;
    case 'RADIO':
      control = html`<${Choice} field=${field} id=${id} value=${value} onChange=${onChange} kind="radio" />`;
      break;
    case 'CHECKBOX':
      control = html`<${Choice} field=${field} id=${id} value=${value} onChange=${onChange} kind="checkbox" />`;
      break;
    case 'CASCADINGSELECT':
      control = html`<${Cascading} field=${field} id=${id} value=${value} onChange=${onChange} describedBy=${describedBy} invalid=${invalid} />`;
      break;
    case 'FILE':
      control = html`<input id=${id} type="file" aria-describedby=${describedBy} aria-invalid=${invalid}
        onChange=${(e) => onChange(e.target.files[0] || null)} />`;
      break;
    default:
      control = text('text');
  }
  const grouped = field.type === 'RADIO' || field.type === 'CHECKBOX';
  return html`<div class="field" data-field=${field.key}>
    ${grouped
      ? html`<span class="label" id=${`${id}-label`}>${title}${field.is_required ? ' (required)' : ''}</span>`
      : html`<label for=${id} id=${`${id}-label`}>${title}${field.is_required ? ' (required)' : ''}</label>`}
    ${control}
    ${description && html`<span class="hint" id=${`${id}-description`}>${description}</span>`}
    ${error && html`<span class="field-error" id=${`${id}-error`}>${error}</span>`}
  </div>`;
}

/**
 * The `field_values` of `values` as the API takes them; FILE fields are
 * uploaded first (`upload(file)` resolves to a file id).
 */
export async function fieldValues(fields, values, upload) {
  const out = {};
  for (const f of fields) {
    let v = values[f.key];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (f.type === 'FILE') v = String(await upload(v));
    out[f.key] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}
