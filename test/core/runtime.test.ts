import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProduction } from '../../src/core/runtime.js';

describe('reading the host process', () => {
  it('reads NODE_ENV=production', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      assert.equal(isProduction(), true);
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
  });

  it('answers false instead of throwing where reading the environment is refused (Deno without --allow-env)', () => {
    const env = Object.getOwnPropertyDescriptor(process, 'env') as PropertyDescriptor;
    const refusing = new Proxy(
      {},
      {
        get() {
          throw new Error('NotCapable: Requires env access to "NODE_ENV"');
        },
      },
    );
    Object.defineProperty(process, 'env', { value: refusing, configurable: true, writable: true });
    try {
      assert.equal(isProduction(), false);
    } finally {
      Object.defineProperty(process, 'env', env);
    }
  });
});
