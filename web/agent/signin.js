// Signing in: Basic authentication once, which creates a session and its
// CSRF token. The server's own message is shown when it refuses, and when it
// throttles, how long to wait.

import { html, useState } from '../vendor/preact-htm.js';
import { Api } from '../shared/api.js';
import { errorText } from '../shared/ui.js';

export function SignIn({ onSignedIn, problem }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(problem ? { message: problem } : null);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data, headers } = await new Api().call('GET', '/session', { basic: `${email.trim()}:${password}` });
      onSignedIn({ session: data.session_id, csrf: headers.get('X-CSRF-Token') });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return html`<main class="signin">
    <form onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to the inbox</h1>
      <label for="email">Email</label>
      <input id="email" type="email" autocomplete="username" required value=${email} onInput=${(e) => setEmail(e.target.value)} />
      <label for="password">Password</label>
      <input id="password" type="password" autocomplete="current-password" required value=${password}
        onInput=${(e) => setPassword(e.target.value)} />
      <p class="status-line" role="alert">${error && html`<span class="error">${errorText(error)}</span>`}</p>
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}
