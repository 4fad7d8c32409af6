/**
 * A frozen clock for the `now` option: time moves only when a test says so, so expiry and
 * throttling are tested without sleeping.
 */
export interface FrozenClock {
  /** The clock to pass as `now` (milliseconds). */
  readonly now: () => number;
  /** The current time in whole Unix seconds, as envelopes and records carry it. */
  readonly seconds: number;
  /** Moves the clock forward (or back, with a negative value) by `seconds`. */
  advance(seconds: number): void;
}

/** A clock frozen at `startSeconds` (Unix seconds; default a fixed date in 2025). */
export function frozenClock(startSeconds = 1_750_000_000): FrozenClock {
  let ms = startSeconds * 1000;
  return {
    now: () => ms,
    get seconds() {
      return Math.floor(ms / 1000);
    },
    advance(seconds: number) {
      ms += seconds * 1000;
    },
  };
}
