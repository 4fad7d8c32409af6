// Session libraries the Express suite runs beside hallpass, which ship no types (and whose
// @types are not installed): only what the tests call.
declare module 'cookie-session' {
  import type { RequestHandler } from 'express';
  export default function cookieSession(options: { name?: string; keys: string[] }): RequestHandler;
}
