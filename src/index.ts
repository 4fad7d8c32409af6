export type { CodecOptions } from './codecs/envelope.js';
export { sealedCodec } from './codecs/sealed.js';
export type { SodiumSecretbox } from './codecs/secretbox.js';
export { secretboxCodec } from './codecs/secretbox.js';
export { signedCodec } from './codecs/signed.js';
export type { CommitResult } from './core/commit-result.js';
export type { HallpassErrorCode, TokenErrorCode } from './core/errors.js';
export { ConfigError, CookieTooLargeError, HallpassError, SessionValueError, StoreError } from './core/errors.js';
export type { FlashKind, FlashMessage } from './core/flash.js';
export { FLASH_KEY, flash, takeFlashes } from './core/flash.js';
export type { MemoryRevocationsOptions } from './core/memory-revocations.js';
export { memoryRevocations } from './core/memory-revocations.js';
export type { MemoryStoreOptions } from './core/memory-store.js';
export { memoryStore } from './core/memory-store.js';
export type { ResolvedOptions, SessionOptions } from './core/options.js';
export type { Revocations, RevokedSession } from './core/revocations.js';
export { Session } from './core/session.js';
export type { Sessions } from './core/sessions.js';
export { createSessions } from './core/sessions.js';
export type {
  Codec,
  Envelope,
  InvalidReason,
  Json,
  OpenResult,
  SessionData,
  SessionEvent,
  SessionStore,
  StorePatch,
  StoreRecord,
  UserSession,
} from './core/types.js';
