/**
 * An app that declares its session's shape once, by module augmentation: compiled on its own by
 * test/types/augmentation.test.ts, so the declaration reaches no other test. A wrong type fails
 * the build, and an `@ts-expect-error` that stops being an error fails it too.
 */
import type { Json } from 'hallpass';

declare module 'hallpass' {
  interface SessionData {
    userName: string;
    cart: string[];
  }
}

/** True only when A and B are the same type (not merely assignable either way). */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export function expectType<T extends true>(_proof?: T): void {}

/** What a key the app did not declare holds: any JSON value, as without a declaration. */
export type Undeclared = Json | undefined;
