// Packages the benchmark uses that ship no types (and whose @types are not installed): only what it calls.
declare module 'cookie-session' {
  import type { RequestHandler } from 'express';
  export default function cookieSession(options: { name?: string; keys: string[] }): RequestHandler;
}

declare module 'autocannon' {
  interface Options {
    url: string;
    connections: number;
    duration: number;
    headers?: Record<string, string>;
    requests?: Array<{ setupRequest?: (request: { headers?: Record<string, string> }) => unknown }>;
  }
  interface Result {
    requests: { average: number; total: number };
    latency: { p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}

declare module 'sodium-native' {
  import type { SodiumSecretbox } from 'hallpass';

  const sodium: SodiumSecretbox & {
    crypto_secretbox_KEYBYTES: number;
    crypto_secretbox_NONCEBYTES: number;
    crypto_secretbox_MACBYTES: number;
  };
  export default sodium;
}
