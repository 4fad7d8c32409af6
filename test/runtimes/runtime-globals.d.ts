/**
 * The few Deno and Bun globals that examples/deno and examples/bun use, so the type-check covers
 * those files without either runtime's own type package (whose globals clash with @types/node).
 */
declare namespace Deno {
  const env: { get(name: string): string | undefined };
  function serve(
    options: { hostname?: string; port?: number; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
}

declare namespace Bun {
  function serve(options: { hostname?: string; port?: number; fetch(request: Request): Response | Promise<Response> }): {
    url: URL;
    stop(): void;
  };
}
