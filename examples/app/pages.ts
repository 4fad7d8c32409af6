/** The demo's HTML page: plain HTML and CSS, no build step. */

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface HomeView {
  message: string;
  user?: string;
  cart: string[];
}

export function renderHome(view: HomeView): string {
  const cart = view.cart.length ? `<ul>${view.cart.map((item) => `<li>${escape(item)}</li>`).join('')}</ul>` : '<p>Your cart is empty.</p>';
  const account = view.user
    ? `<form method="post" action="/logout"><button type="submit">Log out</button></form>`
    : `<form method="post" action="/login"><label>Username <input name="username" required maxlength="64" autocomplete="username"></label> <button type="submit">Log in</button></form>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hallpass demo</title></head>
<body>
<main>
<h1 id="message">${escape(view.message)}</h1>
${account}
<section><h2>Cart</h2>${cart}
<form method="post" action="/cart"><label>Item <input name="item" required maxlength="100"></label> <button type="submit">Add</button></form>
</section>
</main>
</body></html>`;
}
