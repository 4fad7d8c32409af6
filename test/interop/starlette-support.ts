/** Shared by the interop tests: where their fixtures are, and the vectors Starlette made. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The repository root (two levels above this folder). */
export const REPO_ROOT = resolve(HERE, '../..');

/** `test/interop/fixtures`: the vectors Python made, and the FastAPI app (see its README). */
export const FIXTURES_DIR = join(HERE, 'fixtures');

export interface StarletteVector {
  name: string;
  secret: string;
  now: number;
  max_age: number | null;
  session: Record<string, unknown> | null;
  cookie: string;
  expect: 'valid' | 'invalid';
  reason: string;
  signed_at: number;
  signed_with_secret: string;
  parts: { payload_b64: string; timestamp_b64url: string | null; signature_b64url: string | null; payload_json: string | null };
  set_cookie_on_write: string | null;
  set_cookie_on_read: string | null;
  http_status_on_read: number;
  python_outcome: string;
  strict_implementation_may_reject?: boolean;
}

export interface AttributeCase {
  options: { max_age: number | null; https_only?: boolean; same_site?: 'lax' | 'strict' | 'none'; path?: string; session_cookie?: string };
  set_cookie_write: string;
  set_cookie_clear: string;
}

/** An HS256 token made and judged by python-jose. */
export interface JwtVector {
  name: string;
  secret: string;
  now: number;
  algorithm: string;
  token: string;
  expect: 'valid' | 'invalid';
  reason: string;
  decoded?: Record<string, unknown>;
  python_jose_error?: string;
}

export interface VectorFile {
  generator: string;
  versions: Record<string, string>;
  defaults: { session_cookie: string; max_age: number; path: string; same_site: string; https_only: boolean };
  vectors: StarletteVector[];
  set_cookie_attributes: AttributeCase[];
  jwt: JwtVector[];
}

/** The vectors made by the real Starlette and python-jose (`scripts/make-starlette-vectors.py`). */
export function loadVectors(): VectorFile {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'starlette-vectors.json'), 'utf8')) as VectorFile;
}

/** The vector called `name`; throws when the file has none, so a renamed vector fails loudly. */
export function vectorNamed(name: string): StarletteVector {
  const vector = loadVectors().vectors.find((candidate) => candidate.name === name);
  if (!vector) throw new Error(`starlette-vectors.json has no vector "${name}"`);
  return vector;
}

/** The value of the first `name=value` of a `Set-Cookie` header. */
export function setCookieValue(header: string): string {
  const pair = header.slice(0, header.indexOf(';'));
  return pair.slice(pair.indexOf('=') + 1);
}

/** A `Set-Cookie` header's attributes, names lowercased (they are case-insensitive), in a comparable form. */
export function cookieAttributes(header: string): Record<string, string | true> {
  const [, ...attributes] = header.split(';').map((part) => part.trim());
  const out: Record<string, string | true> = {};
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    if (eq === -1) out[attribute.toLowerCase()] = true;
    else out[attribute.slice(0, eq).toLowerCase()] = attribute.slice(eq + 1).toLowerCase();
  }
  return out;
}
