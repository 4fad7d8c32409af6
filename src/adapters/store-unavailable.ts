/**
 * The one answer every adapter gives when the session store fails: 503, JSON, not cached, retry in
 * a second. Each framework sends it its own way; the status, headers and body come from here.
 */

/** The JSON body adapters answer with (status 503) when the session store fails. */
export const STORE_UNAVAILABLE_BODY = JSON.stringify({
  error: 'session_store_unavailable',
  message: 'The session store is unavailable; please try again shortly.',
});

/** The body's `message`, for frameworks that render their own error body (Fastify). */
export const STORE_UNAVAILABLE_MESSAGE: string = JSON.parse(STORE_UNAVAILABLE_BODY).message;

/** The 503's headers. Frozen: it is shared by every reply, and `node:http` copies what it is given. */
export const STORE_UNAVAILABLE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'Retry-After': '1',
});

/** The whole 503 reply, for code that sends it itself (`node:http`, the bearer check). */
export interface StoreUnavailableReply {
  status: 503;
  headers: Record<string, string>;
  body: string;
}

/** A fresh copy of the 503 reply, which the caller may change. */
export function storeUnavailableReply(): StoreUnavailableReply {
  return { status: 503, headers: { ...STORE_UNAVAILABLE_HEADERS }, body: STORE_UNAVAILABLE_BODY };
}

/** The 503 reply as a fetch `Response`. */
export function storeUnavailableResponse(): Response {
  const { status, headers, body } = storeUnavailableReply();
  return new Response(body, { status, headers });
}
