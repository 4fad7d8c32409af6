/**
 * `npm run bench -- jwt`: issue and verify per second for HS256 and EdDSA, hallpass/jwt next to
 * `jose` called directly with the same keys and the same checks, in the same run. Prints the
 * ratio (hallpass / jose; 1.00 means no overhead). Bounded to about ten seconds.
 */
import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createTokens, type TokenAlgorithm } from 'hallpass/jwt';
import { importJWK, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'https://auth.example.test';
const AUDIENCE = 'https://api.example.test';
const SECRET = randomBytes(32).toString('base64url');

/** One operation done both ways. */
interface Pair {
  name: string;
  hallpass: () => Promise<unknown>;
  jose: () => Promise<unknown>;
}

/** Operations per second of `run`, sequentially awaited for about `ms` milliseconds. */
async function rate(run: () => Promise<unknown>, ms: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 20; i++) await run();
    done += 20;
    now = performance.now();
  }
  return (done * 1000) / (now - start);
}

async function pairsFor(alg: TokenAlgorithm): Promise<Pair[]> {
  let signKey: webcrypto.CryptoKey;
  let verifyKey: webcrypto.CryptoKey;
  let key: string | webcrypto.JsonWebKey;
  if (alg === 'HS256') {
    // jose at its best: one imported CryptoKey, as hallpass keeps (raw bytes would be re-imported per call).
    signKey = verifyKey = await webcrypto.subtle.importKey('raw', Buffer.from(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    key = SECRET;
  } else {
    const pair = generateKeyPairSync('ed25519');
    key = pair.privateKey.export({ format: 'jwk' });
    signKey = (await importJWK(key, alg)) as webcrypto.CryptoKey;
    verifyKey = (await importJWK(pair.publicKey.export({ format: 'jwk' }), alg)) as webcrypto.CryptoKey;
  }
  const tokens = createTokens({ algorithms: [alg], keys: [{ kid: 'k1', alg, key }], issuer: ISSUER, audience: AUDIENCE });
  const joseIssue = () =>
    new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg, kid: 'k1', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .setJti(randomBytes(16).toString('base64url'))
      .sign(signKey);
  const token = await tokens.issue({ sub: 'alice' });
  const joseToken = await joseIssue();
  const checks = {
    algorithms: [alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    typ: 'at+jwt',
    requiredClaims: ['exp', 'iat', 'jti'],
    clockTolerance: 30,
    maxTokenAge: 900,
  };
  return [
    { name: `${alg} issue`, hallpass: () => tokens.issue({ sub: 'alice' }), jose: joseIssue },
    { name: `${alg} verify`, hallpass: () => tokens.verify(token), jose: () => jwtVerify(joseToken, verifyKey, checks) },
  ];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * Runs the JWT benchmark and returns the table as text. Each round times hallpass and jose back to
 * back in short slices (order alternating), so load from other processes hits both alike; the
 * ratio is the median of the per-round ratios.
 */
export async function runJwtBench(rounds = 21, sliceMs = 50): Promise<string> {
  const pairs = [...(await pairsFor('HS256')), ...(await pairsFor('EdDSA'))];
  const lines = [
    `JWT: operations per second on Node ${process.version} (${rounds} paired rounds of ${sliceMs} ms slices, medians)`,
    `${'operation'.padEnd(16)}${'hallpass/jwt'.padStart(14)}${'jose direct'.padStart(14)}${'ratio'.padStart(8)}`,
  ];
  const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
  for (const pair of pairs) {
    for (let i = 0; i < 200; i++) await Promise.all([pair.hallpass(), pair.jose()]);
    const ours: number[] = [];
    const theirs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const first = round % 2 === 0;
      const a = await rate(first ? pair.hallpass : pair.jose, sliceMs);
      const b = await rate(first ? pair.jose : pair.hallpass, sliceMs);
      const [hallpass, jose] = first ? [a, b] : [b, a];
      ours.push(hallpass);
      theirs.push(jose);
      ratios.push(hallpass / jose);
    }
    lines.push(
      `${pair.name.padEnd(16)}${fmt(median(ours)).padStart(14)}${fmt(median(theirs)).padStart(14)}${median(ratios).toFixed(2).padStart(8)}`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await runJwtBench());
}
