export type { CodecOptions } from './codecs/envelope.js';
export { sealedCodec } from './codecs/sealed.js';
export type { SodiumSecretbox } from './codecs/secretbox.js';
export { secretboxCodec } from './codecs/secretbox.js';
export { signedCodec } from './codecs/signed.js';
export type { HallpassErrorCode, TokenErrorCode } from './core/errors.js';
export { ConfigError, CookieTooLargeError, HallpassError, SessionValueError, StoreError } from './core/errors.js';
export type {
  AnySessionData,
  AsyncCodec,
  Codec,
  Envelope,
  InvalidReason,
  Json,
  OpenResult,
  SessionData,
  SessionEvent,
  SessionLifetime,
  SessionStore,
  StorePatch,
  StoreRecord,
  UserSession,
} from './core/types.js';
export type { CommitResult } from './engine/commit-result.js';
export type { FlashKind, FlashMessage } from './engine/flash.js';
export { FLASH_KEY, flash, takeFlashes } from './engine/flash.js';
export type { LifetimeChoice } from './engine/lifetime.js';
export type { ResolvedOptions, SessionOptions } from './engine/options.js';
export type { Revocations, RevokedSession } from './engine/revocations/index.js';
export type { MemoryRevocationsOptions } from './engine/revocations/memory.js';
export { memoryRevocations } from './engine/revocations/memory.js';
export { Session } from './engine/session.js';
export type { Sessions } from './engine/sessions.js';
export { createSessions } from './engine/sessions.js';
export type { MemoryStoreOptions } from './stores/memory.js';
export { memoryStore } from './stores/memory.js';
