import { SessionValueError } from '../core/errors.js';
import type { SessionData } from '../core/types.js';
import type { Session } from './session.js';
import type { AnySession } from './session-internals.js';

/** How a flash message should look: a neutral note, a confirmation, or a problem. */
export type FlashKind = 'info' | 'success' | 'error';

/** One message waiting to be shown on the next page. */
export interface FlashMessage {
  kind: FlashKind;
  message: string;
}

/** The session key flash messages are kept under until they are shown. */
export const FLASH_KEY = '_flash';

const KINDS: ReadonlySet<string> = new Set(['info', 'success', 'error']);

// The session is typed by the app's data shape, which does not declare the reserved key.
const untyped = <T extends SessionData>(session: Session<T>): AnySession => session;

function isFlashMessage(value: unknown): value is FlashMessage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { kind, message } = value as Record<string, unknown>;
  return typeof message === 'string' && typeof kind === 'string' && KINDS.has(kind);
}

/**
 * Queues a message for the next page the user sees, typically right before a redirect
 * ("Logged in as alice"). Messages are kept in the session under `_flash`, in order, until
 * `takeFlashes` shows them, so they survive exactly one redirect in cookie and server mode alike.
 * Throws `SessionValueError` for an empty message or an unknown kind.
 *
 * @example
 * ```ts
 * import { flash } from 'hallpass'
 *
 * req.session.regenerate()
 * req.session.set('user_id', 'alice')
 * flash(req.session, 'Logged in as alice', 'success')
 * res.writeHead(303, { Location: '/' }).end()
 * ```
 */
export function flash<T extends SessionData>(session: Session<T>, message: string, kind: FlashKind = 'info'): void {
  if (typeof message !== 'string' || message.length === 0) {
    throw new SessionValueError('ERR_SESSION_VALUE', 'flash(session, message) needs a non-empty message string.');
  }
  if (!KINDS.has(kind)) {
    throw new SessionValueError('ERR_SESSION_VALUE', `A flash kind is "info", "success" or "error", got ${JSON.stringify(kind)}.`);
  }
  const data = untyped(session);
  const queued = data.get(FLASH_KEY);
  const messages = Array.isArray(queued) ? (queued as unknown[]).filter(isFlashMessage) : [];
  data.set(FLASH_KEY, [...messages, { kind, message }]);
}

/**
 * Returns the queued flash messages, oldest first, and removes them from the session, so each is
 * shown once. With nothing queued it returns `[]` and changes nothing: no `Set-Cookie`, no store
 * write. Malformed entries (a hand-edited `_flash`) are dropped, never returned.
 *
 * @example
 * ```ts
 * import { takeFlashes } from 'hallpass'
 *
 * const notes = takeFlashes(req.session)
 * const html = notes.map(({ kind, message }) => `<p class="flash ${kind}">${escapeHtml(message)}</p>`).join('')
 * ```
 */
export function takeFlashes<T extends SessionData>(session: Session<T>): FlashMessage[] {
  const data = untyped(session);
  if (!data.has(FLASH_KEY)) return [];
  const queued = data.get(FLASH_KEY);
  data.delete(FLASH_KEY);
  if (!Array.isArray(queued)) return [];
  return (queued as unknown[]).filter(isFlashMessage).map(({ kind, message }) => ({ kind, message }));
}
