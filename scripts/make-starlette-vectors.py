#!/usr/bin/python3
"""Regenerates test/interop/fixtures/starlette-vectors.json: the cookies and tokens hallpass's
interop tests replay, each one made by the real Python libraries.

    /usr/bin/python3 scripts/make-starlette-vectors.py [OUT.json]

Needs Debian's python3-starlette, python3-itsdangerous and python3-jose (no network, no server,
no httpx: the Starlette app is called directly as an ASGI application). Without OUT it rewrites
the fixture in the repository and formats it with the repository's formatter (biome). The data is
deterministic: every clock is frozen and nothing is random, so running it again on the same
library versions gives the same vectors (test/interop/fixtures.test.ts checks that).

What it writes:

- `vectors`: Starlette session cookies. Each cookie is written by the real
  `starlette.middleware.sessions.SessionMiddleware` (signed by itsdangerous's TimestampSigner) at a
  frozen time, checked against an independent re-implementation of the format (hashlib, hmac,
  base64 and json only), then sent back through the real middleware at the vector's `now`; what
  the middleware did with it (loaded the session, ignored the cookie, or answered HTTP 500) is the
  vector's expectation. Cookies Starlette would never write (tampered, truncated, unpadded) are
  built by hand or with itsdangerous, and judged by the middleware the same way.
- `set_cookie_attributes`: the Set-Cookie headers the middleware sends for a write and a logout,
  for each combination of its options.
- `jwt`: HS256 tokens made and judged by python-jose, for `hallpass inspect --format jwt`.
"""
import asyncio
import base64
import datetime
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from importlib.metadata import version

import itsdangerous
from jose import jwt as jose_jwt
from jose.exceptions import JWTError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "test", "interop", "fixtures", "starlette-vectors.json")

# ---------------------------------------------------------------------------------------------
# A frozen clock. itsdangerous reads `int(time.time())` when it signs and when it checks max_age,
# so replacing time.time fixes both the cookie's timestamp and the moment it is read.
# ---------------------------------------------------------------------------------------------
_frozen_now = [0.0]
_real_time = time.time


def at(moment):
    """Freezes the clock at `moment` (Unix seconds)."""
    _frozen_now[0] = moment


time.time = lambda: _frozen_now[0]


# ---------------------------------------------------------------------------------------------
# An independent re-implementation of the cookie format, to check what the middleware writes.
# ---------------------------------------------------------------------------------------------
def b64url_nopad(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def reference_cookie(secret: str, session: dict, timestamp: int) -> str:
    """`<b64(json.dumps(session))>.<b64url(timestamp)>.<b64url(HMAC-SHA1)>`, as itsdangerous signs it."""
    payload = base64.b64encode(json.dumps(session).encode("utf-8"))  # standard alphabet, '=' padded
    stamp = b64url_nopad(timestamp.to_bytes(8, "big").lstrip(b"\x00")).encode("ascii")  # 0 -> ""
    signed = payload + b"." + stamp
    key = hashlib.sha1(b"itsdangerous.Signer" + b"signer" + secret.encode("utf-8")).digest()
    signature = hmac.new(key, signed, hashlib.sha1).digest()
    return (signed + b"." + b64url_nopad(signature).encode("ascii")).decode("ascii")


def itsdangerous_sign(secret: str, payload: bytes, timestamp: int) -> str:
    """Signs any payload with itsdangerous itself, for cookies the middleware would never write."""
    at(timestamp)
    return itsdangerous.TimestampSigner(secret).sign(payload).decode("ascii")


# ---------------------------------------------------------------------------------------------
# The real middleware, called as an ASGI application.
# ---------------------------------------------------------------------------------------------
def session_app(secret, max_age, **options):
    """POST /write replaces the session with the JSON body; GET /read answers the session."""

    async def write(request):
        body = await request.json()
        request.session.clear()
        request.session.update(body)
        return PlainTextResponse("ok")

    async def read(request):
        return JSONResponse({"session": dict(request.session)})

    return Starlette(
        routes=[Route("/write", write, methods=["POST"]), Route("/read", read)],
        middleware=[Middleware(SessionMiddleware, secret_key=secret, max_age=max_age, **options)],
    )


def request(app, method, path, cookie=None, body=b""):
    """One HTTP request straight into the ASGI app: (status, Set-Cookie header or None, body)."""
    headers = [(b"host", b"testserver"), (b"content-length", str(len(body)).encode("ascii"))]
    if cookie is not None:
        headers.append((b"cookie", cookie.encode("latin-1")))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("ascii"),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    sent_body = [False]
    response = {"status": None, "set_cookie": None, "body": b""}

    async def receive():
        if not sent_body[0]:
            sent_body[0] = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            for name, value in message.get("headers", []):
                if name.lower() == b"set-cookie":
                    response["set_cookie"] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    async def run():
        try:
            await app(scope, receive, send)
        except Exception:
            # Starlette's error middleware answers 500 and then re-raises, as a server would log it.
            if response["status"] != 500:
                raise

    asyncio.run(run())
    return response["status"], response["set_cookie"], response["body"]


def cookie_value(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0].split("=", 1)[1]


def middleware_write(secret, max_age, session, moment):
    """The cookie value and Set-Cookie the middleware writes for `session` at `moment` (None, None for {})."""
    at(moment)
    status, set_cookie, _ = request(session_app(secret, max_age), "POST", "/write", body=json.dumps(session).encode())
    assert status == 200, status
    return (None, None) if set_cookie is None else (cookie_value(set_cookie), set_cookie)


def middleware_read(secret, max_age, cookie, moment):
    """What the middleware makes of `cookie` at `moment`: status, session (None on a 500), Set-Cookie."""
    at(moment)
    status, set_cookie, body = request(session_app(secret, max_age), "GET", "/read", cookie=f"session={cookie}")
    session = json.loads(body)["session"] if status == 200 else None
    return {"status": status, "session": session, "set_cookie": set_cookie}


def outcome(session, read):
    """`valid` (the middleware loaded exactly `session`), `invalid` (it ignored the cookie) or `error` (HTTP 500)."""
    if read["status"] != 200:
        return "error"
    if session == {}:
        # An ignored cookie also reads as {}: a valid empty session is told apart by the deletion
        # Set-Cookie Starlette sends when a session it loaded is empty.
        return "valid" if read["session"] == {} and (read["set_cookie"] or "").startswith("session=null") else "invalid"
    return "valid" if read["session"] == session else "invalid"


def split_cookie(cookie):
    """The three parts of a cookie, its payload decoded, for readers of the file."""
    payload, stamp, signature = cookie.rsplit(".", 2) if cookie.count(".") >= 2 else (cookie, None, None)
    out = {"payload_b64": payload, "timestamp_b64url": stamp, "signature_b64url": signature}
    try:
        out["payload_json"] = base64.b64decode(payload, validate=True).decode("utf-8")
    except Exception:
        out["payload_json"] = None
    if stamp is not None:
        out["timestamp_int"] = int.from_bytes(base64.urlsafe_b64decode(stamp + "=" * (-len(stamp) % 4)), "big")
    return out


PYTHON_OUTCOMES = {"valid": "session_loaded", "invalid": "empty_session_no_set_cookie", "error": "http_500_unhandled_exception"}
vectors = []


def add(name, secret, session, signed_at, now, max_age, expect, reason, cookie=None, note=None, verify_secret=None,
        strict_may_reject=False):
    """Adds one cookie vector; the middleware's own judgement must match `expect` or the script stops.

    Without `cookie`, the middleware writes it (signed with `secret` at `signed_at`); it is then read
    at `now` with `verify_secret` (default `secret`) and `max_age`.
    """
    set_cookie = None
    if cookie is None:
        cookie, set_cookie = middleware_write(secret, max_age, session, signed_at)
        if cookie is None:
            cookie = reference_cookie(secret, session, signed_at)  # the middleware never writes {}
        else:
            assert cookie == reference_cookie(secret, session, signed_at), (name, cookie)
    reader_secret = verify_secret if verify_secret is not None else secret
    read = middleware_read(reader_secret, max_age, cookie, now)
    observed = outcome(session, read)
    # A 500 is an invalid cookie too (a TypeScript reader must treat it as one); python_outcome keeps the difference.
    assert (observed if observed != "error" else "invalid") == expect, (name, observed, expect, read)
    vector = {
        "name": name,
        "secret": reader_secret,
        "now": now,
        "max_age": max_age,
        "session": session if expect == "valid" else None,
        "cookie": cookie,
        "expect": expect,
        "reason": reason,
        "signed_at": signed_at,
        "signed_with_secret": secret,
        "parts": split_cookie(cookie),
        "set_cookie_on_write": set_cookie,
        "set_cookie_on_read": read["set_cookie"],
        "http_status_on_read": read["status"],
        "python_outcome": PYTHON_OUTCOMES[observed],
    }
    if expect != "valid":
        vector["original_session"] = session
    if note:
        vector["note"] = note
    if strict_may_reject:
        vector["strict_implementation_may_reject"] = True
    vectors.append(vector)
    return vector


S1 = "dev-secret-change-me"
S2 = "another secret with spaces & ünïcödé ☃"
T0 = 1700000000  # 2023-11-14T22:13:20Z: timestamp bytes 65 53 f1 00, "ZVPxAA"
MA = 14 * 24 * 60 * 60  # Starlette's default max_age

simple = {"user_id": "alice"}
nested = {"user": {"id": 42, "roles": ["admin", "dev"], "prefs": {"theme": "dark", "tz": None}},
          "cart": [1, 2.5, 3], "flag": True, "ratio": 1.0, "zeta": False, "alpha": "first-after-zeta"}
uni = {"name": "Zoë", "greeting": "こんにちは", "emoji": "😀", "quote": "she said \"hi\"\n</script>\\"}
large = {"items": [{"sku": f"SKU-{i:05d}", "qty": i % 7, "label": "x" * 20} for i in range(40)]}
huge = {"blob": "A" * 4000}

# ---- cookies the middleware loads
add("empty_session", S1, {}, T0, T0 + 10, MA, "valid",
    "signed '{}' payload (e30=); Starlette itself never writes it, but reads it as {} and then emits a deletion Set-Cookie")
add("simple", S1, simple, T0, T0 + 10, MA, "valid", "fresh cookie, age 10s")
add("simple_age_equals_max_age", S1, simple, T0, T0 + MA, MA, "valid", "age == max_age is still valid (check is age > max_age)")
add("simple_same_second", S1, simple, T0, T0, MA, "valid", "age 0")
add("nested", S1, nested, T0, T0 + 3600, MA, "valid",
    "nested objects/arrays, null/bool/float; key order is insertion order (zeta before alpha)")
add("unicode", S1, uni, T0, T0 + 60, MA, "valid",
    "non-ASCII escaped as \\uXXXX (ensure_ascii), astral char as surrogate pair, quotes/newline/backslash escaped, '/' not escaped")
add("large", S1, large, T0, T0 + 60, MA, "valid", "~3.5 KB cookie value (40 objects); name+value still under the 4096-byte browser limit")
add("huge_over_browser_limit", S1, huge, T0, T0 + 60, MA, "valid",
    "cookie value > 4096 bytes: Starlette emits it without complaint, browsers silently drop it", note="interop: warn or fail on >4KB")
add("unicode_secret", S2, simple, T0, T0 + 10, MA, "valid", "secret is UTF-8 encoded before key derivation")
add("timestamp_zero", S1, simple, 0, 0, None, "valid",
    "timestamp 0 encodes to the EMPTY string: 'payload..sig'; max_age=None disables age checks")
add("max_age_none_old_cookie", S1, simple, T0, T0 + 10 * 365 * 86400, None, "valid",
    "max_age=None: no Max-Age attribute and no expiry check on load, even 10 years later")
add("max_age_short", S1, simple, T0, T0 + 30, 60, "valid", "max_age=60, age 30")

# ---- cookies the middleware ignores (an empty session, no Set-Cookie)
good = vectors[1]["cookie"]  # "simple", signed with S1 at T0
payload, stamp, signature = good.rsplit(".", 2)
middle = len(signature) // 2
changed_signature = signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1:]
add("tampered_signature", S1, simple, T0, T0 + 10, MA, "invalid", "one signature character changed -> BadTimeSignature -> empty session",
    cookie=f"{payload}.{stamp}.{changed_signature}")
forged_payload = base64.b64encode(json.dumps({"user_id": "admin"}).encode()).decode()
add("tampered_payload", S1, simple, T0, T0 + 10, MA, "invalid", "payload replaced, signature kept -> BadTimeSignature",
    cookie=f"{forged_payload}.{stamp}.{signature}")
add("tampered_timestamp", S1, simple, T0, T0 + 10, MA, "invalid", "timestamp is covered by the HMAC -> BadTimeSignature",
    cookie=f"{payload}.ZVPxAQ.{signature}")
add("wrong_key", S1, simple, T0, T0 + 10, MA, "invalid", "verified with a different secret -> BadTimeSignature",
    verify_secret="some-other-secret")
add("expired", S1, simple, T0, T0 + MA + 1, MA, "invalid", "age max_age+1 > max_age -> SignatureExpired")
add("future_timestamp", S1, simple, T0 + 5, T0, MA, "invalid",
    "signed 5s in the future: age < 0 -> SignatureExpired (only when max_age is not None); clock skew hazard")
add("deleted_cookie_value", S1, simple, T0, T0, MA, "invalid", "literal 'null' written by Starlette when clearing: no '.' -> BadSignature",
    cookie="null")
plain_signer_key = hashlib.sha1(b"itsdangerous.Signersigner" + S1.encode()).digest()
add("missing_timestamp", S1, simple, T0, T0, MA, "invalid", "'payload.sig' (plain Signer layout, no timestamp) -> BadTimeSignature",
    cookie=payload + "." + b64url_nopad(hmac.new(plain_signer_key, payload.encode(), hashlib.sha1).digest()))
add("empty_value", S1, simple, T0, T0, MA, "invalid", "empty cookie value -> BadSignature", cookie="")

# ---- validly signed payloads Starlette cannot decode: it catches only BadSignature, so these are a 500
add("signed_unpadded_payload", S1, simple, T0, T0 + 1, MA, "invalid",
    "validly signed but payload base64 lacks '=' padding: b64decode raises binascii.Error, NOT caught -> HTTP 500. A TS writer must pad.",
    cookie=itsdangerous_sign(S1, base64.b64encode(json.dumps(simple).encode()).rstrip(b"="), T0))
urlsafe_session = {"k": "\u00ff\u00fe>>>?"}
add("signed_urlsafe_payload", S1, urlsafe_session, T0, T0 + 1, MA, "invalid",
    "validly signed but payload uses URL-safe alphabet ('-'/'_'): non-alphabet chars are discarded by b64decode -> garbage/padding error -> HTTP 500",
    cookie=itsdangerous_sign(S1, base64.urlsafe_b64encode(json.dumps(urlsafe_session, ensure_ascii=False).encode()), T0))
add("signed_compact_json", S1, {"a": 1, "b": [1, 2]}, T0, T0 + 1, MA, "valid",
    "payload JSON written compactly (JSON.stringify style) is still ACCEPTED: the HMAC covers the base64 bytes, not a re-serialization",
    cookie=itsdangerous_sign(S1, base64.b64encode(b'{"a":1,"b":[1,2]}'), T0))

# ---- a signature whose last character differs only in bits base64 does not use
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
twin = ALPHABET[ALPHABET.index(signature[-1]) ^ 0b11]  # 20 bytes -> 27 characters: the last carries 2 unused bits
add("noncanonical_signature_bits", S1, simple, T0, T0 + 10, MA, "valid",
    "last signature char differs only in the 2 unused bits; Python's base64 decoder ignores them so itsdangerous accepts it",
    cookie=f"{payload}.{stamp}.{signature[:-1]}{twin}", strict_may_reject=True)

# ---- Set-Cookie attributes: a login, then a logout, for each combination of options
attribute_cases = []
for options in [{}, {"https_only": True}, {"same_site": "strict"}, {"same_site": "none", "https_only": True},
                {"max_age": None}, {"path": "/app"}, {"session_cookie": "sid"}]:
    at(T0)
    max_age = options.pop("max_age", MA)
    app = session_app(S1, max_age, **options)
    _, on_write, _ = request(app, "POST", "/write", body=b'{"user_id": "alice"}')
    name = options.get("session_cookie", "session")
    _, on_clear, _ = request(app, "POST", "/write", cookie=f"{name}={cookie_value(on_write)}", body=b"{}")
    options["max_age"] = max_age
    attribute_cases.append({"options": options, "set_cookie_write": on_write, "set_cookie_clear": on_clear})

# ---- HS256 tokens made and judged by python-jose
JWT_SECRET = "jwt-secret-0123456789abcdef"
JWT_NOW = T0 + 100


class FrozenDatetime(datetime.datetime):
    """python-jose reads the time as datetime.utcnow() when it checks exp and nbf."""

    @classmethod
    def utcnow(cls):
        return datetime.datetime.utcfromtimestamp(JWT_NOW)


jose_jwt.datetime = FrozenDatetime

jwt_vectors = []


def b64url_json(raw: str) -> str:
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()


def add_jwt(name, claims, expect, reason, secret=JWT_SECRET, token=None, headers=None):
    """Adds one token, made by python-jose unless given, and checks python-jose judges it `expect`."""
    if token is None:
        token = jose_jwt.encode(claims, secret, algorithm="HS256", headers=headers)
    try:
        observed, verdict = "valid", {"decoded": jose_jwt.decode(token, JWT_SECRET, algorithms=["HS256"])}
    except JWTError as error:  # ExpiredSignatureError is a JWTError too
        observed, verdict = "invalid", {"python_jose_error": f"{type(error).__name__}: {error}"}
    assert observed == expect, (name, observed)
    header, body, _ = token.split(".")
    vector = {"name": name, "secret": JWT_SECRET, "now": JWT_NOW, "algorithm": "HS256", "claims": claims, "token": token,
              "expect": expect, "reason": reason, **verdict, "header_json": b64url_json(header), "payload_json": b64url_json(body)}
    jwt_vectors.append(vector)


add_jwt("basic", {"sub": "alice", "iat": T0, "exp": T0 + 3600}, "valid",
        "header is sorted-key compact JSON, payload compact JSON in insertion order")
add_jwt("with_custom_claims", {"sub": "42", "user_id": 42, "roles": ["admin"], "name": "Zoë", "iat": T0, "exp": T0 + 900}, "valid",
        "non-ASCII escaped as \\u00eb (ensure_ascii) in payload")
add_jwt("exp_equals_now", {"sub": "alice", "exp": JWT_NOW}, "valid", "python-jose rejects only when exp < now - leeway")
add_jwt("expired", {"sub": "alice", "iat": T0 - 7200, "exp": T0 - 3600}, "invalid", "exp in the past")
add_jwt("nbf_future", {"sub": "alice", "nbf": JWT_NOW + 60}, "invalid", "nbf > now")
add_jwt("wrong_secret", {"sub": "alice", "exp": T0 + 3600}, "invalid", "signed with another secret", secret="not-the-secret")
none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
none_body = base64.urlsafe_b64encode(b'{"sub":"admin"}').rstrip(b"=").decode()
add_jwt("alg_none", {"sub": "admin"}, "invalid", "alg=none must be rejected when algorithms=['HS256']", token=f"{none_header}.{none_body}.")
basic = jwt_vectors[0]["token"].split(".")
mallory = {"sub": "mallory", "iat": T0, "exp": T0 + 3600}
mallory_body = base64.urlsafe_b64encode(json.dumps(mallory, separators=(",", ":")).encode()).rstrip(b"=").decode()
add_jwt("tampered_payload", mallory, "invalid", "payload swapped, signature kept", token=f"{basic[0]}.{mallory_body}.{basic[2]}")
add_jwt("kid_header", {"sub": "alice", "exp": T0 + 3600}, "valid", "extra header merged then keys sorted", headers={"kid": "k1"})

time.time = _real_time

document = {
    "generator": "scripts/make-starlette-vectors.py (Debian 12: python3-starlette, python3-itsdangerous, python3-jose)",
    "versions": {"python": sys.version.split()[0], "starlette": version("starlette"),
                 "itsdangerous": version("itsdangerous"), "python-jose": version("python-jose")},
    "cookie_layout": "<std-base64-padded(json.dumps(session))>.<b64url-nopad(minimal big-endian uint timestamp)>.<b64url-nopad(HMAC-SHA1(SHA1('itsdangerous.Signer'+'signer'+secret), payload+'.'+timestamp))>",
    "expect_values": {
        "valid": "middleware yields exactly `session`",
        "invalid": "middleware yields {} (BadSignature/BadTimeSignature/SignatureExpired swallowed), no Set-Cookie emitted",
    },
    "python_outcome_values": {
        "session_loaded": "request.session == session",
        "empty_session_no_set_cookie": "request.session == {}; nothing emitted",
        "http_500_unhandled_exception": "Starlette 0.26.1 (and 0.47.3) let binascii.Error/JSONDecodeError escape -> HTTP 500; a TS reader should treat it as invalid (empty session)",
    },
    "defaults": {"session_cookie": "session", "max_age": MA, "path": "/", "same_site": "lax", "https_only": False},
    "vectors": vectors,
    "set_cookie_attributes": attribute_cases,
    "jwt": jwt_vectors,
}

out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
with open(out, "w", encoding="utf-8") as f:
    json.dump(document, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"wrote {len(vectors)} cookie vectors, {len(attribute_cases)} attribute cases, {len(jwt_vectors)} jwt vectors -> {out}")

# The repository's formatter owns the layout of every file under test/ (it puts short arrays on one
# line); the tests compare the data, so only the layout changes here.
biome = os.path.join(REPO_ROOT, "node_modules", ".bin", "biome")
if os.path.abspath(out).startswith(REPO_ROOT + os.sep) and os.path.exists(biome):
    subprocess.run([biome, "format", "--write", out], cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)
elif os.path.abspath(out).startswith(REPO_ROOT + os.sep):
    print(f"format it before committing: npx biome format --write {os.path.relpath(out, REPO_ROOT)}")
