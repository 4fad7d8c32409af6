import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProduction, warnOnce } from '../../src/core/runtime.js';

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

  it("warns on the console where process.emitWarning throws (Next.js's edge sandbox)", () => {
    const emitWarning = Object.getOwnPropertyDescriptor(process, 'emitWarning') as PropertyDescriptor;
    const warn = console.warn;
    const printed: unknown[] = [];
    Object.defineProperty(process, 'emitWarning', {
      value: () => {
        throw new Error('A Node.js API is used (process.emitWarning) which is not supported in the Edge Runtime.');
      },
      configurable: true,
      writable: true,
    });
    console.warn = (message: unknown) => printed.push(message);
    try {
      warnOnce('HALLPASS_TEST_SANDBOX', 'said once');
      warnOnce('HALLPASS_TEST_SANDBOX', 'said once');
    } finally {
      Object.defineProperty(process, 'emitWarning', emitWarning);
      console.warn = warn;
    }
    assert.deepEqual(printed, ['said once']);
  });
});
