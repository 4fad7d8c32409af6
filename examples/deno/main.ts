/**
 * hallpass on Deno: the demo's routes (../fetch/app.ts) served by `Deno.serve`.
 * How to run it and what to try: README.md beside this file.
 */
import { demoApp } from '../fetch/app.js';
import { demoSessions } from '../fetch/sessions.js';

// A missing or weak SESSION_SECRET stops the server here, with a message saying how to make one.
const sessions = demoSessions((name) => Deno.env.get(name));

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 8000),
    onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}/`),
  },
  demoApp(sessions),
);
