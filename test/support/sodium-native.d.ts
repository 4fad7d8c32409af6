// sodium-native ships no types (and its @types are not installed): only what the tests call.
declare module 'sodium-native' {
  import type { SodiumSecretbox } from 'hallpass';

  const sodium: SodiumSecretbox & {
    crypto_secretbox_KEYBYTES: number;
    crypto_secretbox_NONCEBYTES: number;
    crypto_secretbox_MACBYTES: number;
  };
  export default sodium;
}
