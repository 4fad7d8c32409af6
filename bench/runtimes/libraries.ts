/** The runtimes and libraries of the suite, and where each library's handler lives. */
export const RUNTIMES = ['deno', 'bun', 'workerd', 'edge'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const LIBRARIES = ['bare', 'hallpass', 'iron-session'] as const;
export type Library = (typeof LIBRARIES)[number];

export const ROUTES = ['read', 'write'] as const;
export type Route = (typeof ROUTES)[number];

/** `pool`: distinct cookies in turn; `repeat`: one cookie on every request, as a browser sends it. */
export const SCENARIOS = ['pool', 'repeat'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The handler module of a library, relative to the repository root (esbuild's working directory). */
export const handlerPath = (library: Library): string => `bench/runtimes/handlers/${library}.ts`;
