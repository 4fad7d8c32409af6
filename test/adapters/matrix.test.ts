/**
 * The adapter matrix: one scenario of the demo contract, unchanged, over real HTTP against every
 * adapter, in cookie mode (sealed) and in server mode (memory store).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createSessions, memoryStore } from 'hallpass';
import { adapters } from './contract/apps.js';
import { type Mode, runContract } from './contract/scenario.js';
import { now, SECRET } from './contract/stores.js';

const sessionsFor = (mode: Mode) =>
  mode === 'cookie' ? createSessions({ secret: SECRET, now }) : createSessions({ store: memoryStore({ now }), now });

for (const adapter of adapters) {
  describe(`adapter matrix: ${adapter.name}`, () => {
    for (const mode of ['cookie', 'server'] as const) {
      it(`serves the demo contract in ${mode} mode`, async () => {
        const running = await adapter.start(sessionsFor(mode));
        try {
          await runContract(running.url, mode);
        } finally {
          await running.close();
        }
      });
    }
  });
}

describe('framework adapters stay thin', () => {
  for (const file of ['express/index', 'express/compat', 'fastify', 'hono', 'koa']) {
    it(`src/adapters/${file}.ts imports only types from its framework`, () => {
      const source = readFileSync(new URL(`../../src/adapters/${file}.ts`, import.meta.url), 'utf8');
      const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)];
      assert.ok(imports.length > 0);
      for (const [statement, typeOnly, specifier] of imports) {
        if (specifier?.startsWith('.') || specifier?.startsWith('node:')) continue;
        assert.ok(typeOnly, `${file}.ts loads ${specifier} at runtime: ${statement}`);
      }
    });
  }
});
