/**
 * What Vercel's edge runtime loads for the demo: a module whose default export is the fetch handler,
 * its secret from `process.env`, which that runtime provides (and nothing else of Node's `process`).
 */
import { createSessions } from 'hallpass';
import { type Data, demoApp } from '../../examples/fetch/app.js';

export default demoApp(createSessions<Data>({ secret: process.env.SESSION_SECRET }));
