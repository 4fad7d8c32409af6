/**
 * The cookie stores Next.js hands to `cookies()` callers, made by Next's own request-store module
 * (the code `next start` runs, here outside a server): a Route Handler's or Server Action's store,
 * whose writes become the response's Set-Cookie headers, and a Server Component's, which refuses
 * writes. Next's module is CommonJS with no stable public types, hence the narrow shapes below.
 */
import { createRequire } from 'node:module';
import type { NextCookieStore } from 'hallpass/next';

interface RequestStore {
  phase: 'action' | 'render' | 'after';
  readonly cookies: NextCookieStore;
  readonly userspaceMutableCookies: NextCookieStore;
}
type OnUpdateCookies = (cookies: string[]) => void;
interface RequestStoreModule {
  createRequestStoreForAPI(
    req: object,
    url: object,
    implicitTags: unknown,
    onUpdateCookies: OnUpdateCookies,
    previewProps: unknown,
  ): RequestStore;
  createRequestStoreForRender(
    req: object,
    res: unknown,
    url: object,
    rootParams: object,
    implicitTags: unknown,
    onUpdateCookies: OnUpdateCookies,
  ): RequestStore;
}

const require = createRequire(import.meta.url);
const next = require('next/dist/server/async-storage/request-store.js') as RequestStoreModule;
const URL_PARTS = { pathname: '/', search: '' };
const IMPLICIT_TAGS = { tags: [], expirationsByCacheKind: new Map() };

export interface HandlerScope {
  /** What `await cookies()` returns in a Route Handler or Server Action. */
  cookies: NextCookieStore;
  /** The Set-Cookie headers Next would send, as Next serialises them. */
  setCookies: string[];
  /** Moves the request on from the action phase to rendering, as Next does after a Server Action. */
  startRendering(): void;
}

/** A Route Handler's (or Server Action's) request, carrying `cookie` as its Cookie header. */
export function handlerScope(cookie?: string): HandlerScope {
  const setCookies: string[] = [];
  const onUpdate: OnUpdateCookies = (cookies) => setCookies.splice(0, setCookies.length, ...cookies);
  const store = next.createRequestStoreForAPI({ headers: cookie ? { cookie } : {} }, URL_PARTS, IMPLICIT_TAGS, onUpdate, undefined);
  return {
    cookies: store.userspaceMutableCookies,
    setCookies,
    startRendering: () => {
      store.phase = 'render';
    },
  };
}

/** What `await cookies()` returns in a Server Component rendering a request that carries `cookie`. */
export function serverComponentCookies(cookie?: string): NextCookieStore {
  const store = next.createRequestStoreForRender({ headers: cookie ? { cookie } : {} }, undefined, URL_PARTS, {}, IMPLICIT_TAGS, () => {});
  return store.cookies;
}
