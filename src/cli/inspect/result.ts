/** What `hallpass inspect` prints with `--json`, whatever the format. Times are Unix seconds. */
export interface InspectResult {
  valid: boolean;
  /** Why the value is not valid (`tampered`, `expired`, `idle`, `unknown-key`, ...); `null` when valid. */
  reason: string | null;
  format: string;
  /** The decoded data, when the value could be opened (also for an expired one, so you can see what it held). */
  session?: Record<string, unknown> | null;
  /** JWT claims (format `jwt`). */
  claims?: Record<string, unknown> | null;
  createdAt: number | null;
  lastSeenAt: number | null;
  expiresAt: number | null;
}

/** Parsed command-line flags shared by every format. */
export interface InspectArgs {
  secrets: string[];
  /** Unix seconds. */
  now: number;
  maxAge?: number;
  idleTimeout?: number | false;
  /** Extra `--name value` flags a format may read (issuer, audience, ...). */
  flags: Record<string, string>;
}

export type Inspector = (value: string, args: InspectArgs) => InspectResult | Promise<InspectResult>;
