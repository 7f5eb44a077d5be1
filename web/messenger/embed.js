// Parley's Messenger embed: one script tag on any site adds a launcher
// bubble (with an unread badge) that opens the Messenger in an iframe served
// by Parley, so it works across origins without cookies.
//
//   <script src="https://HOST/messenger.js" data-parley-url="https://HOST" async></script>
//
// A verified identity (name, email, timestamp, signature from your backend)
// goes in data-name, data-email, data-timestamp and data-signature, or to
// window.ParleyMessenger.identify({...}) later.

(function () {
  'use strict';
  if (window.ParleyMessenger) return;
  var script = document.currentScript || document.querySelector('script[src*="messenger.js"]');
  var base = ((script && script.getAttribute('data-parley-url')) || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  var origin = new URL(base, location.href).origin;
  var identity = null;
  if (script && script.getAttribute('data-email') && script.getAttribute('data-signature')) {
    identity = {
      name: script.getAttribute('data-name') || '',
      email: script.getAttribute('data-email'),
      timestamp: Number(script.getAttribute('data-timestamp')),
      signature: script.getAttribute('data-signature'),
    };
  }

  // The device's details live in this page's storage: browsers may deny
  // storage to a framed third party, never to the page itself.
  function remembered(key) {
    try {
      return localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }
  function remember(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch (e) {
      // nothing to keep it in
    }
  }

  function style(el, rules) {
    for (var k in rules) el.style[k] = rules[k];
  }

  var root = document.createElement('div');
  root.setAttribute('data-parley', 'messenger');
  var frame = document.createElement('iframe');
  // The Messenger answers this origin only.
  var hash = ['host=' + encodeURIComponent(location.origin)];
  ['fingerprint', 'me'].forEach(function (k) {
    var v = remembered('parley.' + k);
    if (v) hash.push(k + '=' + encodeURIComponent(v));
  });
  frame.src = base + '/messenger#' + hash.join('&');
  frame.title = 'Messages';
  frame.id = 'parley-messenger-frame';
  frame.setAttribute('allow', 'clipboard-read; clipboard-write');
  style(frame, {
    position: 'fixed', right: '20px', bottom: '92px', width: '380px', height: 'min(640px, calc(100vh - 120px))',
    border: '0', borderRadius: '14px', boxShadow: '0 12px 40px rgba(0,0,0,0.25)', background: '#fff',
    zIndex: '2147483646', display: 'none',
  });
  var button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', 'Open messages');
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', frame.id);
  var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '28');
  svg.setAttribute('height', '28');
  svg.setAttribute('aria-hidden', 'true');
  var path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
  path.setAttribute('fill', '#fff');
  svg.appendChild(path);
  button.appendChild(svg);
  style(button, {
    position: 'fixed', right: '20px', bottom: '20px', width: '60px', height: '60px', borderRadius: '50%',
    border: '0', background: '#1f5fbf', color: '#fff', cursor: 'pointer', display: 'flex',
    alignItems: 'center', justifyContent: 'center', padding: '0',
    boxShadow: '0 6px 20px rgba(0,0,0,0.25)', zIndex: '2147483647',
  });
  var badge = document.createElement('span');
  badge.setAttribute('data-parley', 'badge');
  style(badge, {
    position: 'absolute', top: '-4px', right: '-4px', minWidth: '22px', height: '22px', padding: '0 6px',
    borderRadius: '11px', background: '#b3261e', color: '#fff', font: '700 13px/22px system-ui, sans-serif',
    display: 'none',
  });
  button.appendChild(badge);
  var unread = 0;

  function fit() {
    var small = window.matchMedia('(max-width: 480px)').matches;
    style(frame, small
      ? { right: '0', bottom: '0', width: '100vw', height: '100vh', borderRadius: '0' }
      : { right: '20px', bottom: '92px', width: '380px', height: 'min(640px, calc(100vh - 120px))', borderRadius: '14px' });
  }

  function render() {
    var open = frame.style.display !== 'none';
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: 'parley:shown', shown: open }, origin);
    button.setAttribute('aria-expanded', String(open));
    button.setAttribute('aria-label', (open ? 'Close messages' : 'Open messages') + (unread ? ', ' + unread + ' unread' : ''));
    badge.textContent = String(unread);
    badge.style.display = unread && !open ? 'inline-block' : 'none';
  }

  function open() {
    fit();
    frame.style.display = 'block';
    render();
    frame.focus();
  }

  function close() {
    frame.style.display = 'none';
    render();
    button.focus();
  }

  function identify(claim) {
    identity = claim;
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: 'parley:identify', identity: claim }, origin);
  }

  button.addEventListener('click', function () {
    if (frame.style.display === 'none') open();
    else close();
  });
  window.addEventListener('resize', function () {
    if (frame.style.display !== 'none') fit();
  });
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow || !e.data) return;
    if (e.data.type === 'parley:unread') {
      unread = Number(e.data.count) || 0;
      render();
    } else if (e.data.type === 'parley:close') {
      close();
    } else if (e.data.type === 'parley:ready' && identity) {
      identify(identity);
    } else if (e.data.type === 'parley:remember' && /^parley\.(fingerprint|me)$/.test(e.data.key)) {
      remember(e.data.key, String(e.data.value));
    }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && frame.style.display !== 'none') close();
  });

  root.appendChild(frame);
  root.appendChild(button);
  (document.body || document.documentElement).appendChild(root);
  window.ParleyMessenger = { open: open, close: close, identify: identify };
})();
