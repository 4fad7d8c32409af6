import type { NextConfig } from 'next';

/**
 * Builds against hallpass's TypeScript sources (tsconfig.json maps `hallpass` to ../../src), so the
 * example runs from a fresh clone with no build of the library. In your own app, after
 * `npm install hallpass`, none of this is needed.
 */
const config: NextConfig = {
  // The sources import each other as `./x.js`, as Node's ESM wants; webpack resolves them to `./x.ts`.
  experimental: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] }, externalDir: true },
  // The repository's `npm run typecheck` checks this app with the library; the build skips a second pass.
  typescript: { ignoreBuildErrors: true },
};

export default config;
