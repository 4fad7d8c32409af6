/**
 * Interop with python-jose, live: tokens python-jose issues verify in hallpass, and tokens hallpass
 * issues verify in python-jose, for HS256 and ES256 (python-jose has no EdDSA). Debian's
 * python3-jose is installed for the system interpreter, /usr/bin/python3.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { createTokens, type TokenAlgorithm } from 'hallpass/jwt';
import { needService } from '../support/services.js';
import { AUDIENCE, EC, ISSUER, SECRET } from './fixtures.js';
import { forge, rejection } from './forge.js';

const PYTHON = '/usr/bin/python3';

/** Runs each task in one python-jose process: encode or decode; answers a result per task. */
const SCRIPT = `
import json, sys
from jose import jwt
out = []
for task in json.load(sys.stdin):
    try:
        if task['op'] == 'encode':
            out.append({'token': jwt.encode(task['claims'], task['key'], algorithm=task['alg'], headers=task.get('headers'))})
        else:
            claims = jwt.decode(task['token'], task['key'], algorithms=[task['alg']], audience=task.get('audience'), issuer=task.get('issuer'))
            out.append({'claims': claims})
    except Exception as error:
        out.append({'error': type(error).__name__ + ': ' + str(error)})
print(json.dumps(out))
`;

type Task = Record<string, unknown>;
type Result = { token?: string; claims?: Record<string, unknown>; error?: string };

function python(tasks: Task[]): Result[] {
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(tasks), encoding: 'utf8', timeout: 20_000 });
  if (run.status !== 0) throw new Error(`python-jose failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const available = spawnSync(PYTHON, ['-c', 'import jose.jwt'], { encoding: 'utf8' }).status === 0;
const skip = needService('python-jose', available, 'Install Debian python3-jose (apt-get install python3-jose) for /usr/bin/python3.');

const ecPrivatePem = EC.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const ecPublicPem = EC.publicKey.export({ format: 'pem', type: 'spki' }) as string;

// python-jose checks exp against the real clock, so these tokens use it too.
const make = (alg: TokenAlgorithm, key: unknown, extra: object = {}) =>
  createTokens({ algorithms: [alg], keys: [{ kid: `${alg}-1`, alg, key: key as string }], issuer: ISSUER, audience: AUDIENCE, ...extra });

const cases = [
  { alg: 'HS256' as const, signKey: SECRET, verifyKey: SECRET, hallpass: make('HS256', SECRET), verifier: make('HS256', SECRET) },
  {
    alg: 'ES256' as const,
    signKey: ecPrivatePem,
    verifyKey: ecPublicPem,
    hallpass: make('ES256', ecPrivatePem),
    verifier: make('ES256', ecPublicPem),
  },
];

describe('interop with python-jose', { skip }, () => {
  for (const { alg, signKey, verifyKey, hallpass, verifier } of cases) {
    it(`${alg}: a token python-jose issues verifies in hallpass`, async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: 'alice',
        roles: ['admin'],
        name: 'Zoë',
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now,
        exp: now + 600,
        jti: 'py-jti-0123456789abcdef',
      };
      const [issued] = python([{ op: 'encode', claims, key: signKey, alg, headers: { kid: `${alg}-1`, typ: 'at+jwt' } }]);
      assert.ok(issued?.token, issued?.error);
      assert.deepEqual(await verifier.verify(issued.token), claims);
      // The same token from another audience is refused.
      const [other] = python([
        { op: 'encode', claims: { ...claims, aud: 'https://other.test' }, key: signKey, alg, headers: { kid: `${alg}-1`, typ: 'at+jwt' } },
      ]);
      assert.equal((await rejection(verifier.verify(other!.token!))).code, 'ERR_JWT_AUDIENCE');
    });

    it(`${alg}: a token hallpass issues verifies in python-jose`, async () => {
      const token = await hallpass.issue({ sub: 'bob', scope: 'read write' });
      const [tampered, wrongAudience, ok] = python([
        {
          op: 'decode',
          token: `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(alg === 'HS256' ? 43 : 86)}`,
          key: verifyKey,
          alg,
          audience: AUDIENCE,
          issuer: ISSUER,
        },
        { op: 'decode', token, key: verifyKey, alg, audience: 'https://other.test', issuer: ISSUER },
        { op: 'decode', token, key: verifyKey, alg, audience: AUDIENCE, issuer: ISSUER },
      ]);
      assert.match(tampered?.error ?? '', /Signature verification failed|JWTError/);
      assert.match(wrongAudience?.error ?? '', /JWTClaimsError: Invalid audience/);
      assert.deepEqual(ok?.claims, await hallpass.verify(token));
    });
  }

  it('HS256: a python-jose token with its default header (typ JWT, no kid) verifies with a single key and type "JWT"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'carol', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, jti: 'fastapi-style-token-0001' };
    const [issued] = python([{ op: 'encode', claims, key: SECRET, alg: 'HS256' }]);
    assert.deepEqual(await make('HS256', SECRET, { type: 'JWT' }).verify(issued!.token!), claims);
    // The default type refuses it: a token minted for another purpose is not an access token.
    assert.equal((await rejection(make('HS256', SECRET).verify(issued!.token!))).code, 'ERR_JWT_TYPE');
  });

  it('forged tokens (alg none, HS256 over our public key) are refused by both', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, jti: 'forged-0000000000000001' };
    const forged = [
      forge({ alg: 'none', kid: 'ES256-1', typ: 'at+jwt' }, claims, { alg: 'none' }),
      forge({ alg: 'HS256', kid: 'ES256-1', typ: 'at+jwt' }, claims, { alg: 'HS256', secret: ecPublicPem }),
    ];
    const verdicts = python(
      forged.map((token) => ({ op: 'decode', token, key: ecPublicPem, alg: 'ES256', audience: AUDIENCE, issuer: ISSUER })),
    );
    for (const [index, token] of forged.entries()) {
      assert.match(verdicts[index]?.error ?? '', /JWTError|JWSError/);
      assert.equal((await rejection(cases[1]!.verifier.verify(token))).code, 'ERR_JWT_ALGORITHM');
    }
  });
});
