/** What the commit step asks an adapter to add to the response. */
export interface CommitResult {
  /** A `Set-Cookie` header value to append, when the cookie must be written or expired. */
  setCookie?: string;
  /** The response depends on the session cookie: append `Vary: Cookie`. */
  vary: boolean;
}

export const NOTHING: CommitResult = Object.freeze({ vary: false });
export const VARY_ONLY: CommitResult = Object.freeze({ vary: true });
