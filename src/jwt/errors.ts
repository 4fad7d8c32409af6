import { HallpassError, type TokenErrorCode } from '../core/errors.js';

export type { TokenErrorCode } from '../core/errors.js';

/**
 * What each refusal says. These texts go into `WWW-Authenticate: error_description`, so they are
 * fixed ASCII without quotes, and never include the token, a claim value or a header value.
 */
export const TOKEN_ERROR_DESCRIPTIONS: Record<TokenErrorCode, string> = {
  ERR_JWT_INVALID: 'The token is malformed',
  ERR_JWT_OVERSIZED: 'The token is too large',
  ERR_JWT_ALGORITHM: 'The token algorithm is not allowed',
  ERR_JWT_KID: 'The token key id is unknown',
  ERR_JWT_SIGNATURE: 'The token signature is invalid',
  ERR_JWT_CLAIMS: 'The token claims are missing or invalid',
  ERR_JWT_EXPIRED: 'The token has expired',
  ERR_JWT_NOT_YET_VALID: 'The token is not valid yet',
  ERR_JWT_ISSUED_IN_FUTURE: 'The token was issued in the future',
  ERR_JWT_LIFETIME: 'The token lives longer than allowed',
  ERR_JWT_ISSUER: 'The token issuer is not accepted',
  ERR_JWT_AUDIENCE: 'The token audience is not accepted',
  ERR_JWT_TYPE: 'The token type is not accepted',
  ERR_JWT_REVOKED: 'The token has been revoked',
  ERR_JWT_REFRESH: 'The refresh token is invalid or expired',
  ERR_JWT_REFRESH_REUSED: 'The refresh token was already used',
};

/**
 * A token was refused. `code` says why (switch on it); the message is the fixed description of the
 * code, so logging the error never logs the token.
 *
 * @example
 * ```ts
 * try { await tokens.verify(token) }
 * catch (err) { if (err instanceof TokenError && err.code === 'ERR_JWT_EXPIRED') ... }
 * ```
 */
export class TokenError extends HallpassError {
  constructor(code: TokenErrorCode, options?: { cause?: unknown }) {
    super(code, `${TOKEN_ERROR_DESCRIPTIONS[code]} (${code}).`, options);
  }

  /** The code, typed as a token code. */
  get tokenCode(): TokenErrorCode {
    return this.code as TokenErrorCode;
  }
}
