/**
 * Every error hallpass throws is a `HallpassError` with a stable `code` you can `switch` on.
 *
 * @example
 * ```ts
 * try { createSessions({ secret: 'short' }) }
 * catch (err) { if (err instanceof HallpassError && err.code === 'ERR_SECRET_TOO_SHORT') ... }
 * ```
 */
export type HallpassErrorCode =
  | 'ERR_SECRET_MISSING'
  | 'ERR_SECRET_TOO_SHORT'
  | 'ERR_SECRET_WEAK'
  | 'ERR_SAMESITE_NONE_INSECURE'
  | 'ERR_HOST_PREFIX'
  | 'ERR_SECURE_PREFIX'
  | 'ERR_COOKIE_NAME'
  | 'ERR_COOKIE_ATTRIBUTE'
  | 'ERR_LIFETIME'
  | 'ERR_OPTION'
  | 'ERR_COOKIE_TOO_LARGE'
  | 'ERR_SESSION_VALUE'
  | 'ERR_SESSION_STATE'
  | 'ERR_STORE'
  | 'ERR_STORE_TIMEOUT'
  | 'ERR_CSRF'
  | TokenErrorCode;

/** Why `hallpass/jwt` refused a token (or a refresh token). */
export type TokenErrorCode =
  | 'ERR_JWT_INVALID'
  | 'ERR_JWT_OVERSIZED'
  | 'ERR_JWT_ALGORITHM'
  | 'ERR_JWT_KID'
  | 'ERR_JWT_SIGNATURE'
  | 'ERR_JWT_CLAIMS'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_ISSUED_IN_FUTURE'
  | 'ERR_JWT_LIFETIME'
  | 'ERR_JWT_ISSUER'
  | 'ERR_JWT_AUDIENCE'
  | 'ERR_JWT_TYPE'
  | 'ERR_JWT_REVOKED'
  | 'ERR_JWT_REFRESH'
  | 'ERR_JWT_REFRESH_REUSED';

/** Base class of every hallpass error. */
export class HallpassError extends Error {
  readonly code: HallpassErrorCode;
  constructor(code: HallpassErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A problem with the options given to `createSessions` (or another factory), thrown at start-up. */
export class ConfigError extends HallpassError {}

/**
 * The cookie would exceed the 4096 bytes browsers keep, or, chunked, the `chunked.maxBytes` cap;
 * thrown by `commit`.
 */
export class CookieTooLargeError extends HallpassError {
  readonly bytes: number;
  /** `chunked.maxBytes` when the cap of chunked cookies was exceeded. */
  constructor(bytes: number, name: string, chunkedMaxBytes?: number) {
    super(
      'ERR_COOKIE_TOO_LARGE',
      (chunkedMaxBytes === undefined
        ? `The session cookie "${name}" would be ${bytes} bytes; browsers drop cookies over 4096 bytes. `
        : `The session cookie "${name}" would need ${bytes} bytes across its chunks, over \`chunked.maxBytes\` (${chunkedMaxBytes}): servers answer 431 to request headers that large. `) +
        'Keep less in the session, or use a server-side store (createSessions({ store })) so the cookie holds only an ID.',
    );
    this.bytes = bytes;
  }
}

/** A value given to `session.set` that is not JSON data. */
export class SessionValueError extends HallpassError {}

/** A session store failed or did not answer in time; `cause` holds the store's own error. */
export class StoreError extends HallpassError {}
