/** The demo's HTML page: plain HTML and CSS, no build step. Everything shown comes from the session. */
import type { FlashMessage } from './flash.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The session cookie as configured, and what this request's cookie says. Times are Unix seconds. */
export interface CookieFacts {
  name: string;
  path: string;
  domain?: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  persistent: boolean;
  maxAge: number;
  idleTimeout: number | false;
  touchInterval: number;
  mode: 'cookie' | 'server';
  codec?: string;
  /** Bytes of the cookie the browser sent (undefined when it sent none). */
  sentBytes?: number;
  createdAt?: number;
  lastSeenAt?: number;
}

export interface DeviceView {
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
}

export interface HomeView {
  message: string;
  user?: string;
  cart: string[];
  flashes: FlashMessage[];
  /** The user's sessions (server mode), or why there is no list. */
  devices: DeviceView[] | 'guest' | 'cookie-mode';
  cookie: CookieFacts;
  now: number;
  /** Versioned asset URLs. */
  assets: { style: string; script: string; icon: string };
}

/** "14 days", "1 day 3 h", "2 h 24 min", "45 s": precise enough for people, never "335 h". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days >= 2) return `${Math.round(s / 86400)} days`;
  if (days === 1) return hours ? `1 day ${hours} h` : '1 day';
  if (hours) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  return minutes ? `${minutes} min` : `${s} s`;
}

/** A `<time>` element: the UTC date for machines and the tooltip, a relative phrase for people. */
function when(at: number, now: number): string {
  const iso = new Date(at * 1000).toISOString();
  const gap = at - now;
  const phrase = Math.abs(gap) < 45 ? 'just now' : gap < 0 ? `${duration(-gap)} ago` : `in ${duration(gap)}`;
  return `<time datetime="${iso}" title="${iso.replace('T', ' ').slice(0, 19)} UTC">${phrase}</time>`;
}

function flashes(list: FlashMessage[]): string {
  if (list.length === 0) return '';
  const items = list.map((f) => `<p class="flash flash-${f.kind}">${escapeHtml(f.message)}</p>`).join('');
  return `<div class="flashes" role="status">${items}</div>`;
}

function account(view: HomeView): string {
  if (view.user) {
    return `<p class="lead">You are logged in. Reload the page or come back tomorrow: the session cookie keeps you here until it expires or you log out.</p>
<form method="post" action="/logout"><button type="submit" class="secondary">Log out</button></form>`;
  }
  return `<p class="lead">Log in with any name. There is no password here: the point is what happens to the session.</p>
<form method="post" action="/login" class="inline">
<label for="username">Username</label>
<input id="username" name="username" required maxlength="64" pattern="[\\w.@\\-]{1,64}" autocomplete="username" placeholder="alice" title="Letters, digits, dots, @, _ or -">
<button type="submit">Log in</button>
<input type="hidden" name="remember" value="0">
<label class="check"><input type="checkbox" id="remember" name="remember" value="1" checked> Remember me <span class="muted">(unchecked: the cookie ends when you close the browser)</span></label>
</form>`;
}

function cart(items: string[]): string {
  const list = items.length
    ? `<ul class="items">${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`
    : '<p class="muted">Your cart is empty.</p>';
  return `<section class="card" id="cart" aria-labelledby="cart-title">
<h2 id="cart-title">Cart <span class="count">${items.length}</span></h2>
${list}
<form method="post" action="/cart" class="inline">
<label for="item" class="visually-hidden">Item</label>
<input id="item" name="item" required maxlength="100" placeholder="Add an item, e.g. apples" autocomplete="off">
<button type="submit">Add</button>
</form>
</section>`;
}

function devices(view: HomeView): string {
  let body: string;
  if (view.devices === 'cookie-mode') {
    body = `<p class="muted">This demo runs in cookie mode: the whole session lives in your browser's cookie, so the server keeps no list of devices to show or log out. Start it with <code>SESSION_STORE=sqlite</code> (or <code>memory</code>, <code>redis</code>, <code>memcached</code>, <code>postgres</code>) to see every device signed in as you.</p>`;
  } else if (view.devices === 'guest') {
    body = '<p class="muted">Log in to see every device signed in as you.</p>';
  } else {
    const rows = view.devices
      .map(
        (
          d,
        ) => `<li${d.current ? ' class="current"' : ''}><span class="device">${d.current ? 'This device <span class="tag">current</span>' : 'Another device'}</span>
<span class="muted">signed in ${when(d.createdAt, view.now)} · last seen ${when(d.lastSeenAt, view.now)}</span></li>`,
      )
      .join('');
    const others = view.devices.filter((d) => !d.current).length;
    const action = others
      ? `<form method="post" action="/devices/logout-others"><button type="submit" class="danger">Log out other devices (${others})</button></form>`
      : `<p class="muted">No other device is signed in as ${escapeHtml(view.user ?? '')}. Log in as the same user from another browser or a private window to see it here.</p>`;
    body = `<ul class="devices">${rows}</ul>${action}`;
  }
  return `<section class="card" id="devices" aria-labelledby="devices-title"><h2 id="devices-title">Your devices</h2>${body}</section>`;
}

function cookiePanel(c: CookieFacts, now: number): string {
  const yes = (on: boolean, text: string) => `<dd><strong>${on ? 'yes' : 'no'}</strong> <span class="muted">— ${text}</span></dd>`;
  const sameSite = { lax: 'Lax', strict: 'Strict', none: 'None' }[c.sameSite];
  const holds =
    c.mode === 'server'
      ? 'only a random 256-bit token. Your data lives in the server-side store, filed under a SHA-256 hash of the token, so a copy of the store holds no live sessions.'
      : c.codec === 'signed'
        ? 'your session data as readable JSON with an HMAC-SHA256 tag: you can read it, but any change is detected.'
        : `your session data, ${c.codec === 'sealed' ? 'encrypted and authenticated with AES-256-GCM: you can neither read nor change it' : `in the ${escapeHtml(c.codec ?? 'configured')} format`}.`;
  const idle = c.idleTimeout === false ? '' : `, or after ${duration(c.idleTimeout)} without a visit`;
  const lifetime = c.persistent
    ? `${duration(c.maxAge)} after login at the latest${idle}`
    : `when you close the browser, and ${duration(c.maxAge)} after login at the latest${idle}`;
  const state =
    c.sentBytes === undefined
      ? `<p>Your browser holds no session cookie right now: hallpass sends one only once the session has something in it.</p>`
      : `<p>Your browser sent ${c.sentBytes} bytes of it. This session started ${when(c.createdAt ?? now, now)} and ends ${when((c.createdAt ?? now) + c.maxAge, now)} at the latest${idle ? `, sooner after ${duration(c.idleTimeout as number)} of inactivity` : ''}.</p>`;
  return `<section class="card wide" id="cookie" aria-labelledby="cookie-title">
<h2 id="cookie-title">The session cookie</h2>
<p>The cookie holds ${holds}</p>
<dl class="facts">
<dt>Name</dt><dd><code>${escapeHtml(c.name)}</code></dd>
<dt>HttpOnly</dt>${yes(c.httpOnly, c.httpOnly ? 'page scripts cannot read it, so an injected script cannot steal it' : 'page scripts can read it')}
<dt>Secure</dt>${yes(c.secure, c.secure ? 'sent over HTTPS only (browsers allow http://localhost for development)' : 'also sent over plain HTTP')}
<dt>SameSite</dt><dd><strong>${sameSite}</strong> <span class="muted">— ${c.sameSite === 'none' ? 'sent with cross-site requests too' : 'not sent with cross-site form posts, which blunts CSRF'}</span></dd>
<dt>Path</dt><dd><code>${escapeHtml(c.path)}</code>${c.domain ? ` · Domain <code>${escapeHtml(c.domain)}</code>` : ' <span class="muted">host-only (no Domain)</span>'}</dd>
<dt>Expires</dt><dd>${lifetime} <span class="muted">(enforced by the server, not only by the browser${c.idleTimeout === false ? '' : `; activity extends it at most every ${duration(c.touchInterval)}`})</span></dd>
</dl>
${state}
<p class="js-check">What scripts on this page see: <code>document.cookie</code> = <output id="document-cookie">(needs JavaScript)</output>. The session cookie never shows up there.</p>
</section>`;
}

export function renderHome(view: HomeView): string {
  const mode = view.cookie.mode === 'server' ? 'server mode' : `cookie mode · ${escapeHtml(view.cookie.codec ?? 'custom codec')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hallpass demo</title>
<link rel="icon" href="${view.assets.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${view.assets.style}">
<script src="${view.assets.script}" defer></script>
</head>
<body>
<header class="top"><div class="wrap"><a class="brand" href="/">hallpass</a><span class="badge">${mode}</span></div></header>
<main class="wrap">
${flashes(view.flashes)}
<section class="card hero" aria-labelledby="message">
<h1 id="message">${escapeHtml(view.message)}</h1>
${account(view)}
</section>
<div class="grid">
${cart(view.cart)}
${devices(view)}
${cookiePanel(view.cookie, view.now)}
</div>
</main>
<footer class="wrap muted">Clients that do not ask for HTML get JSON from the same routes: <code>POST /login?username=alice</code>, <code>GET /session</code>, <code>GET /cart</code>, <code>GET /devices</code>.</footer>
</body></html>`;
}
