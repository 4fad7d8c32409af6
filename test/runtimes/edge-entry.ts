/**
 * What Vercel's edge runtime loads for the demo: a module whose default export is the fetch handler,
 * its secret from `process.env`, which that runtime provides (and nothing else of Node's `process`).
 */
import { demoApp } from '../../examples/fetch/app.js';
import { demoSessions } from '../../examples/fetch/sessions.js';

export default demoApp(demoSessions((name) => process.env[name]));
