/**
 * hallpass in a Cloudflare Worker: the demo's routes (../fetch/app.ts), with no Node.js
 * compatibility flag. How to run it and what to try: README.md beside this file.
 */
import { createSessions } from 'hallpass';
import { type Data, demoApp } from '../fetch/app.js';

export interface Env {
  /** `npx hallpass secret` makes one: `.dev.vars` locally, `wrangler secret put SESSION_SECRET` when deployed. */
  SESSION_SECRET: string;
}

let app: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    // A Worker sees its secrets only with a request, so the session manager is made on the first
    // one and kept for the isolate's life: it holds the verified-cookie cache and the logouts.
    app ??= demoApp(createSessions<Data>({ secret: env.SESSION_SECRET }));
    return app(request);
  },
};
