import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { HallpassError } from '../core/errors.js';
import { describeResult, inspectValue } from './inspect/index.js';

const USAGE = `Usage:
  hallpass secret                          print a fresh 32-byte secret (base64url)
  hallpass inspect <value> [options]       decode and verify a cookie or token offline

inspect options:
  --secret S        the secret (repeat for rotated secrets); default: $SESSION_SECRET ($JWT_SECRET for jwt)
  --format F        auto (default), sealed, signed, secretbox (needs sodium-native), starlette, jwt
  --name N          the cookie name, which hallpass cookies are bound to (default hallpass;
                    a pasted "name=value" pair sets it too)
  --now T           the time to check against, Unix seconds (default: now)
  --max-age N       absolute lifetime in seconds (default 1209600)
  --idle-timeout N  idle timeout in seconds, or "off" (default 86400)
  --issuer I, --audience A, --type T   JWT claims to require (format jwt)
  --json            print one JSON object {"valid","reason","session"|"claims","createdAt","lastSeenAt","expiresAt"}
Exit code: 0 valid, 1 invalid, 2 usage error.`;

/** Runs the CLI; resolves the exit code. */
export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'secret') {
    out.write(`${randomBytes(32).toString('base64url')}\n`);
    return 0;
  }
  if (command !== 'inspect') {
    (command === undefined || command === '--help' || command === 'help' ? out : err).write(`${USAGE}\n`);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
  let parsed: ReturnType<typeof parseInspectArgs>;
  try {
    parsed = parseInspectArgs(rest);
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const result = await inspectValue(parsed.value, parsed.format, parsed.args);
    out.write(`${parsed.json ? JSON.stringify(result) : describeResult(result)}\n`);
    return result.valid ? 0 : 1;
  } catch (error) {
    err.write(`${error instanceof HallpassError ? `${error.code}: ` : ''}${(error as Error).message}\n`);
    return 2;
  }
}

function parseInspectArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      secret: { type: 'string', multiple: true },
      format: { type: 'string', default: 'auto' },
      now: { type: 'string' },
      'max-age': { type: 'string' },
      'idle-timeout': { type: 'string' },
      name: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      type: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const value = positionals[0];
  if (!value || positionals.length > 1) throw new Error('inspect takes exactly one cookie or token value.');
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const parsedNumber = Number(text);
    if (!Number.isFinite(parsedNumber)) throw new Error(`--${name} must be a number, got ${JSON.stringify(text)}.`);
    return parsedNumber;
  };
  const envSecret = values.format === 'jwt' ? process.env.JWT_SECRET : process.env.SESSION_SECRET;
  const secrets = values.secret ?? (envSecret ? [envSecret] : []);
  const idle = values['idle-timeout'];
  const flags: Record<string, string> = {};
  for (const name of ['name', 'issuer', 'audience', 'type'] as const) if (values[name] !== undefined) flags[name] = values[name] as string;
  return {
    value,
    format: values.format as string,
    json: values.json as boolean,
    args: {
      secrets,
      now: number('now', values.now) ?? Math.floor(Date.now() / 1000),
      maxAge: number('max-age', values['max-age']),
      idleTimeout: idle === 'off' ? (false as const) : number('idle-timeout', idle),
      flags,
    },
  };
}
