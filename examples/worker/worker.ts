/**
 * hallpass in a Cloudflare Worker: the demo's routes (../fetch/app.ts), with no Node.js
 * compatibility flag. How to run it and what to try: README.md beside this file.
 */
import { demoApp } from '../fetch/app.js';
import { demoSessions } from '../fetch/sessions.js';

export interface Env {
  /** `npx hallpass secret` makes one: `.dev.vars` locally, `wrangler secret put SESSION_SECRET` when deployed. */
  SESSION_SECRET: string;
  /** Optional, both or neither: an Upstash (or other Redis REST) database that keeps logouts for every isolate. */
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
}

let app: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    // A Worker sees its secrets only with a request, so the session manager is made on the first
    // one and kept for the isolate's life: it holds the verified-cookie cache and the logouts.
    app ??= demoApp(demoSessions((name) => env[name as keyof Env]));
    return app(request);
  },
};
