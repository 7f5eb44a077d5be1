// The one API client both apps use. It owns the credentials (a device's
// fingerprint, or a session and its CSRF token), turns Kayako error envelopes
// into ApiError, uploads with progress, retries a send that the network lost
// (with the same client_id, so the server never stores it twice), fetches
// authenticated files as blob URLs, and keeps one realtime stream open across
// lost connections, resuming from the last event it saw.

/** An answer the server refused: status, the envelope's errors, Retry-After. */
export class ApiError extends Error {
  constructor(status, errors = [], retryAfter = null) {
    super(errors[0]?.message || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }

  /** The message the server gave for `parameter`, if any. */
  about(parameter) {
    return this.errors.find((e) => e.parameter === parameter)?.message;
  }
}

/** The network failed before an answer arrived: the request may be retried. */
export class NetworkError extends Error {}

/** A UUID v4 (a device fingerprint, a client_id). */
export function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function envelope(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const retry = res.headers.get('Retry-After');
    throw new ApiError(res.status, body?.errors || [], retry ? Number(retry) : null);
  }
  return body;
}

export class Api {
  /**
   * @param {object} auth `{fingerprint}` for a messenger device, or
   *   `{session, csrf}` for a signed-in user.
   */
  constructor(auth = {}) {
    this.auth = auth;
    this.identity = null; // a verified identity claim, sent until it took
    this.blobs = new Map();
  }

  headers(method) {
    const h = { Accept: 'application/json' };
    if (this.auth.session) {
      h['X-Session-ID'] = this.auth.session;
      if (method !== 'GET' && this.auth.csrf) h['X-CSRF-Token'] = this.auth.csrf;
    }
    if (this.auth.fingerprint) h['X-Fingerprint-ID'] = this.auth.fingerprint;
    if (this.identity) {
      h['X-Identity-Name'] = this.identity.name || '';
      h['X-Identity-Email'] = this.identity.email;
      h['X-Identity-Timestamp'] = String(this.identity.timestamp);
      h['X-Identity-Signature'] = this.identity.signature;
    }
    return h;
  }

  /** One request; resolves to the envelope, rejects with ApiError or NetworkError. */
  async call(method, path, { params, json, basic } = {}) {
    const headers = this.headers(method);
    if (basic) headers.Authorization = `Basic ${btoa(unescape(encodeURIComponent(basic)))}`;
    let body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    }
    let res;
    try {
      res = await fetch(`/api/v1${path}${query(params)}`, { method, headers, body });
    } catch (e) {
      throw new NetworkError(e.message);
    }
    const data = await envelope(res);
    if (this.identity && res.ok) this.identity = null;
    return { data, headers: res.headers };
  }

  async get(path, params) {
    return (await this.call('GET', path, { params })).data;
  }

  async post(path, json) {
    return (await this.call('POST', path, { json })).data;
  }

  async put(path, json) {
    return (await this.call('PUT', path, { json })).data;
  }

  async del(path) {
    return (await this.call('DELETE', path)).data;
  }

  /** Every page of a collection. */
  async all(path, params = {}) {
    const items = [];
    for (;;) {
      const page = await this.get(path, { ...params, limit: 100, offset: items.length });
      items.push(...page.data);
      if (page.data.length < 100 || items.length >= page.total_count) return items;
    }
  }

  /**
   * A multipart POST (text parameters, and files as `files[]` or the part
   * `part`), reporting upload progress as a fraction; rejects like `call`.
   */
  upload(path, fields, files, onProgress, part = 'files[]') {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && v !== null) form.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    for (const f of files || []) form.append(part, f, f.name);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/v1${path}`);
      for (const [k, v] of Object.entries(this.headers('POST'))) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
      xhr.onerror = () => reject(new NetworkError('the upload was cut off'));
      xhr.onload = () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) {
          this.identity = null;
          resolve(body);
        } else {
          const retry = xhr.getResponseHeader('Retry-After');
          reject(new ApiError(xhr.status, body?.errors || [], retry ? Number(retry) : null));
        }
      };
      xhr.send(form);
    });
  }

  /**
   * Runs `attempt` until it is answered: a lost network (or a 5xx) is
   * retried with growing pauses. The caller keeps the request the same
   * (the same client_id), so a retry of a send that did arrive returns it
   * instead of storing it twice.
   */
  async retrying(attempt, { tries = 6, onRetry } = {}) {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (e) {
        // A full disk or a read-only standby will answer the same again.
        const lasting = e instanceof ApiError && (e.status === 507 || e.errors.some((x) => x.code === 'READ_ONLY'));
        const transient = e instanceof NetworkError || (e instanceof ApiError && e.status >= 500 && !lasting);
        if (!transient || i >= tries) throw e;
        onRetry?.(i);
        await sleep(Math.min(500 * 2 ** (i - 1), 8000));
      }
    }
  }

  /** An attachment body (which needs credentials) as a blob URL, fetched once. */
  async blobUrl(url) {
    if (this.blobs.has(url)) return this.blobs.get(url);
    const path = new URL(url, location.href).pathname;
    const res = await fetch(path, { headers: this.headers('GET') });
    if (!res.ok) throw new ApiError(res.status);
    const href = URL.createObjectURL(await res.blob());
    this.blobs.set(url, href);
    return href;
  }

  /**
   * One realtime stream over `channels`, kept open: after a lost connection
   * it reconnects with growing pauses and resumes from the last event seen,
   * so every missed event arrives, in order. `onState` hears `live` (each
   * time the stream is open again: a good moment to refresh) and
   * `reconnecting`. Returns `{ close, setChannels }`.
   */
  stream(channels, onEvent, onState = () => {}) {
    let last = null;
    let source = null;
    let retry = null;
    let attempt = 0;
    let closed = false;
    let wanted = [...channels];
    const credential = this.auth.session
      ? { session_id: this.auth.session }
      : { fingerprint_id: this.auth.fingerprint };
    const open = () => {
      clearTimeout(retry);
      if (closed || wanted.length === 0) return;
      source?.close();
      const url = `/api/v1/realtime${query({ channel: wanted.join(','), ...credential, since: last })}`;
      source = new EventSource(url);
      source.onopen = () => {
        attempt = 0;
        onState('live');
      };
      source.onerror = () => {
        source.close();
        source = null;
        if (closed) return;
        onState('reconnecting');
        attempt += 1;
        retry = setTimeout(open, Math.min(500 * 2 ** (attempt - 1), 5000));
      };
      const deliver = (e) => {
        let event;
        try {
          event = JSON.parse(e.data);
        } catch {
          return;
        }
        if (event.id !== null && event.id !== undefined) {
          if (last !== null && event.id <= last) return;
          last = event.id;
        }
        onEvent(event);
      };
      for (const kind of [
        'message.created',
        'message.status_changed',
        'conversation.created',
        'conversation.updated',
        'rating.created',
        'rating.updated',
        'typing',
        'presence.online',
        'presence.offline',
        // Staff only: what the agent inbox hears besides.
        'message.delivery',
        'note.created',
        'note.updated',
        'notification.created',
        'viewers.changed',
      ]) {
        source.addEventListener(kind, deliver);
      }
      source.addEventListener('shutdown', () => source?.dispatchEvent(new Event('error')));
    };
    const online = () => !closed && !source && open();
    // Offline, the stream is gone whether or not the browser noticed yet.
    const offline = () => {
      if (closed) return;
      source?.close();
      source = null;
      clearTimeout(retry);
      onState('reconnecting');
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    open();
    return {
      close() {
        closed = true;
        clearTimeout(retry);
        source?.close();
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
      },
      setChannels(next) {
        const same = next.length === wanted.length && next.every((c) => wanted.includes(c));
        if (same) return;
        wanted = [...next];
        // Resumes from the last event seen; callers refresh on `live` for
        // what happened before the first one.
        open();
      },
    };
  }
}
