// The Messenger's home: who is there to help and how fast they answer, the
// device's conversations newest first with unread counts and previews, and
// the way to start a new one.

import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { Avatar, errorText, relative } from '../shared/ui.js';

/** "Usually replies in a few minutes", from the average first reply, in seconds. */
export function replyTime(seconds) {
  if (seconds === null || seconds === undefined) return 'We usually reply as soon as we can';
  if (seconds < 10 * 60) return 'Usually replies in a few minutes';
  if (seconds < 2 * 3600) return 'Usually replies within an hour';
  if (seconds < 24 * 3600) return 'Usually replies within a few hours';
  return 'Usually replies within a day';
}

export function Home({ api, conversations, error, onOpen, onStart }) {
  const [starter, setStarter] = useState(null);
  useEffect(() => {
    api.get('/conversations/starter').then((s) => setStarter(s.data)).catch(() => {});
  }, []);
  const agents = starter?.last_active_agents || [];
  const sorted = [...conversations].sort((a, b) =>
    (b.last_replied_at || b.updated_at).localeCompare(a.last_replied_at || a.updated_at),
  );
  return html`<section class="home" aria-labelledby="home-title">
    <header class="hero">
      ${starter?.team_name && html`<p class="team-name">${starter.team_name}</p>`}
      <h1 id="home-title">Hi there 👋</h1>
      <p>${starter?.greeting || 'Ask us anything, or share some feedback.'}</p>
      ${agents.length > 0 && html`<ul class="team" aria-label="Our team">
        ${agents.map((a) => html`<li key=${a.id} class=${a.is_online ? 'online' : ''}>
          <${Avatar} user=${a} size=${36} /><span>${a.full_name}${a.is_online ? html`<span class="visually-hidden"> (online)</span>` : ''}</span>
        </li>`)}
      </ul>`}
      <p class="reply-time">${starter?.reply_time_text || replyTime(starter?.average_reply_time)}</p>
    </header>
    <button type="button" class="start" onClick=${onStart}>Start a conversation</button>
    ${error && html`<p class="error" role="alert">${errorText(error)}</p>`}
    <h2 class="list-title">Your conversations</h2>
    ${sorted.length === 0
      ? html`<p class="hint empty">No conversations yet.</p>`
      : html`<ul class="conversations">
          ${sorted.map((c) => {
            const unread = c.read_marker?.unread_count || 0;
            return html`<li key=${c.id}>
              <button type="button" class="conversation" onClick=${() => onOpen(c.id)}>
                <span class="subject">${c.subject}</span>
                <span class="preview">${c.last_message_preview || ''}</span>
                <span class="when">${relative(c.last_replied_at || c.updated_at)}</span>
                ${unread > 0 && html`<span class="badge">${unread}<span class="visually-hidden"> unread</span></span>`}
              </button>
            </li>`;
          })}
        </ul>`}
  </section>`;
}
