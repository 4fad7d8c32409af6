/** The sealed codec with its decode calls counted, for tests that prove how often a cookie is decrypted. */
import { type Codec, sealedCodec } from 'hallpass';
import { SECRET } from './core-fixtures.js';

export function countingCodec(): Codec & { decodes: number } {
  const inner = sealedCodec([SECRET]);
  const codec = {
    kind: inner.kind,
    decodes: 0,
    encode: (envelope: Parameters<Codec['encode']>[0]) => inner.encode(envelope),
    decode: (value: string, now: number) => {
      codec.decodes++;
      return inner.decode(value, now);
    },
  };
  return codec;
}
