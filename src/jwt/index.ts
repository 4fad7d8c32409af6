/**
 * `hallpass/jwt`: stateless tokens on `jose`. An explicit algorithm allowlist (HS256, EdDSA, ES256;
 * never `none`), a keyring with key ids for rotation, every claim checked, revocation and rotating
 * refresh tokens in any hallpass store, and bearer middleware for each framework.
 *
 * @example
 * ```ts
 * import { createTokens, nodeBearer } from 'hallpass/jwt'
 *
 * const tokens = createTokens({
 *   algorithms: ['EdDSA'],
 *   keys: [{ kid: '2025-06', alg: 'EdDSA', key: process.env.JWT_PRIVATE_KEY_PEM }],
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 *   store: redisStore(redis), // enables revoke, revokeAllForUser and refresh tokens
 * })
 * app.get('/me', nodeBearer(tokens), (req, res) => res.json({ user: req.auth.sub }))
 * ```
 * @module
 */
export type { BearerOptions, BearerRequest, BearerResult } from './bearer.js';
export { authenticateBearer, fetchBearer, nodeBearer, withBearer } from './bearer.js';
export { fastifyBearer, honoBearer, koaBearer } from './bearer-frameworks.js';
export type { TokenErrorCode } from './errors.js';
export { TokenError } from './errors.js';
export type { TokenAlgorithm, TokenKey } from './keyring.js';
export type { TokenOptions } from './options.js';
export type { TokenPair } from './refresh.js';
export type { Tokens } from './tokens.js';
export { createTokens } from './tokens.js';
export type { TokenClaims } from './verify.js';
export { MAX_TOKEN_BYTES } from './verify.js';
