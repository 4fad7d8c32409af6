/** The options every adapter takes: the one adapter module the published types may reach. */

/** Options every adapter takes. */
export interface AdapterOptions {
  /**
   * What a request gets when the session store fails: `"fail"` (default) answers 503 with a short
   * JSON error; `"anonymous"` serves it with an empty session that is never saved.
   */
  onStoreError?: 'fail' | 'anonymous';
  /** Told about errors the adapter handled itself (a commit that failed after the handler ran). Default `console.error`. */
  onError?: (error: unknown) => void;
}
