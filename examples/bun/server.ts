/**
 * hallpass on Bun: the demo's routes (../fetch/app.ts) served by `Bun.serve`.
 * How to run it and what to try: README.md beside this file.
 */
import { demoApp } from '../fetch/app.js';
import { demoSessions } from '../fetch/sessions.js';

// A missing or weak SESSION_SECRET stops the server here, with a message saying how to make one.
const sessions = demoSessions((name) => process.env[name]);

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
  fetch: demoApp(sessions),
});
console.log(`Listening on ${server.url}`);
