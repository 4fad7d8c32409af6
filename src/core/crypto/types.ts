/** A result that is at hand now (node:crypto) or later (Web Crypto). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A key imported once for one algorithm: a node `KeyObject` or a Web Crypto `CryptoKey`. Callers
 * only hand it back to the provider that made it, so to them it is `unknown`.
 */
export type OpaqueKey = unknown;

/** The HMAC hashes hallpass uses: SHA-256 for its own formats, SHA-1 for itsdangerous (Starlette). */
export type HmacHash = 'SHA-256' | 'SHA-1';

/**
 * The cryptography the building blocks need, from whichever implementation the runtime offers.
 * Keyed operations answer synchronously with node:crypto and with a promise on Web Crypto; callers
 * chain them with `after` (see maybe.ts), which adds no tick when the answer is already there.
 * Everything that a synchronous public API needs (random bytes, SHA-256, comparing, base64url) is
 * synchronous on both. Each implementation names its own key types; the methods are declared as
 * methods, so either implementation is a `CryptoProvider` whose keys are opaque to callers.
 */
export interface CryptoProvider<AesKey = OpaqueKey, HmacKey = OpaqueKey> {
  readonly name: 'node' | 'web';
  /** `true` when every keyed operation below answers without a promise. */
  readonly synchronous: boolean;
  /** Fills `bytes` from the CSPRNG and returns it. */
  randomFill<T extends Uint8Array>(bytes: T): T;
  /** SHA-256 of `data` (UTF-8 for a string). */
  sha256(data: string | Uint8Array): Uint8Array;
  /** A digest that no synchronous API needs (itsdangerous's SHA-1 key derivation). */
  digest(hash: HmacHash, data: Uint8Array): MaybePromise<Uint8Array>;
  /** HKDF-SHA256 (RFC 5869) of a UTF-8 secret into `length` bytes. */
  hkdfSha256(secret: string, salt: string, info: string, length: number): MaybePromise<Uint8Array>;
  /** Imports raw bytes as an AES-256-GCM key. */
  aesKey(raw: Uint8Array): MaybePromise<AesKey>;
  /** Imports raw bytes as an HMAC key over `hash`. */
  hmacKey(raw: Uint8Array, hash: HmacHash): MaybePromise<HmacKey>;
  /** AES-256-GCM: `iv ‖ ciphertext ‖ 16-byte tag` of the UTF-8 `plaintext`. */
  seal(key: AesKey, iv: Uint8Array, aad: Uint8Array, plaintext: string): MaybePromise<Uint8Array>;
  /** Opens `iv ‖ ciphertext ‖ tag` (12-byte IV) to its UTF-8 text; `undefined` when it does not authenticate. */
  open(key: AesKey, blob: Uint8Array, aad: Uint8Array): MaybePromise<string | undefined>;
  /** HMAC of `data` (UTF-8 for a string) under a key from `hmacKey`. */
  hmac(key: HmacKey, data: string | Uint8Array): MaybePromise<Uint8Array>;
  /** base64url(SHA-256(UTF-8 `text`)): store keys and labelled tokens. */
  sha256Base64url(text: string): string;
  /** Compares two byte strings in time that depends only on their length. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** base64url without padding. */
  base64urlEncode(bytes: Uint8Array): string;
  /** base64url of the UTF-8 bytes of `text`. */
  textToBase64url(text: string): string;
  /** The text of base64url-encoded UTF-8 (invalid sequences become U+FFFD). */
  base64urlToText(encoded: string): string;
  /** The UTF-8 bytes of `text`. */
  utf8Encode(text: string): Uint8Array;
  /** The text of UTF-8 bytes (invalid sequences become U+FFFD). */
  utf8Decode(bytes: Uint8Array): string;
  /** `size` bytes the caller fills entirely (uninitialised where the runtime allows it). */
  allocate(size: number): Uint8Array;
  /** Decodes base64url (lenient; check the alphabet first when the spelling matters). */
  base64urlDecode(text: string): Uint8Array;
}
