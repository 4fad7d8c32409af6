import { defineScript } from './command.js';

/*
 * The Lua behind the Redis store. A session is one hash: a field per data key holding its JSON,
 * and three meta fields whose names start with a NUL byte (`\0c` created, `\0s` last seen,
 * `\0u` user). A data key that itself starts with NUL is stored with one more NUL in front, so
 * a field is data when its first byte is not NUL or its second byte is. Every script touches
 * one key only, so all of them run on Redis Cluster. HSET and HDEL go in batches of 200 arguments
 * to stay far below Lua's stack limit for sessions with many keys.
 */

const BATCH = `
local function batch(command, key, list, from, to)
  for i = from, to, 200 do
    redis.call(command, key, unpack(list, i, math.min(i + 199, to)))
  end
end
`;

/**
 * KEYS[1] session. Its HGETALL as one JSON string, `[field, value, ...]` (`[]` for no session),
 * for clients that read RESP. A script because clients turn an HGETALL reply into an object, where
 * a data key named `__proto__` is lost; JSON because one bulk string costs a client less to read
 * than a reply of an element per field and value (ioredis spends more on a ten-element array than
 * on the rest of the command: docs/benchmarks/README.md, "Redis on Express"). cjson ships with
 * Redis's Lua; it escapes NUL (the meta fields' first byte) and passes other bytes through, so the
 * string is the fields' own UTF-8. The script checks that on the server it runs on, and answers
 * the flat array itself (which `hashReply` also reads) where cjson is missing (looked up with
 * `rawget`: Redis 7 refuses a read of a global it lacks) or would escape UTF-8. An empty table
 * would encode as `{}`, hence the explicit `[]`.
 */
export const GET_SESSION = defineScript(`
local fields = redis.call('HGETALL', KEYS[1])
local json = rawget(_G, 'cjson')
if not json or json.encode({'\\195\\169'}) ~= '["\\195\\169"]' then return fields end
if #fields == 0 then return '[]' end
return json.encode(fields)
`);

/**
 * KEYS[1] session. Its HGETALL as the flat array, for transports whose replies are JSON already
 * (Redis's HTTP protocol): there an array costs nothing more to read, and a JSON string inside
 * the JSON reply would escape every quote and backslash twice.
 */
export const GET_SESSION_FLAT = defineScript(`return redis.call('HGETALL', KEYS[1])`);

/** KEYS[1] session; ARGV[1] TTL in ms; ARGV[2..] field/value pairs. Replaces the whole record. */
export const SET_SESSION = defineScript(`${BATCH}
redis.call('DEL', KEYS[1])
batch('HSET', KEYS[1], ARGV, 2, #ARGV)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);

/**
 * The body of a patch, as a Lua function of the session key and the offset `o` of its arguments:
 * ARGV[o+1] TTL in ms; ARGV[o+2] '1' to replace the data; ARGV[o+3] the user change ('' none,
 * '-' unlink, '=<id>' link); ARGV[o+4] n, the count of fields to delete; ARGV[o+5..o+4+n] those
 * fields; the rest field/value pairs to write. The caller has checked that the session exists.
 */
const APPLY_PATCH = String.raw`${BATCH}
local function apply_patch(key, o)
  if ARGV[o + 2] == '1' then
    local doomed = {}
    for _, field in ipairs(redis.call('HKEYS', key)) do
      if string.byte(field, 1) ~= 0 or string.byte(field, 2) == 0 then doomed[#doomed + 1] = field end
    end
    batch('HDEL', key, doomed, 1, #doomed)
  end
  local n = tonumber(ARGV[o + 4])
  batch('HDEL', key, ARGV, o + 5, o + 4 + n)
  batch('HSET', key, ARGV, o + 5 + n, #ARGV)
  local user = ARGV[o + 3]
  if user == '-' then
    redis.call('HDEL', key, '\0u')
  elseif user ~= '' then
    redis.call('HSET', key, '\0u', string.sub(user, 2))
  end
  redis.call('PEXPIRE', key, ARGV[o + 1])
  return 1
end
`;

/**
 * KEYS[1] session; ARGV as in APPLY_PATCH with offset 0. Returns 0, changing nothing, when the
 * session is gone: a late request never brings back a session that was logged out.
 */
export const PATCH_SESSION = defineScript(`${APPLY_PATCH}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return apply_patch(KEYS[1], 0)
`);

/**
 * KEYS[1] session; ARGV[1] a data field; ARGV[2] the JSON it must hold; then the patch's arguments
 * as in APPLY_PATCH, from offset 2. Applies the patch only if the field holds exactly that JSON (a
 * missing session or field never does): 1 applied, 0 not. One script, so nothing runs in between.
 */
export const COMPARE_AND_SET = defineScript(`${APPLY_PATCH}
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
return apply_patch(KEYS[1], 2)
`);

/**
 * KEYS[1] session; ARGV[1] TTL in ms; ARGV[2] last seen. Returns nil when the session is gone
 * (nothing is created), else '=<user>', or '-' when it has no user.
 */
export const TOUCH_SESSION = defineScript(String.raw`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], '\0s', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local user = redis.call('HGET', KEYS[1], '\0u')
if user then return '=' .. user end
return '-'
`);

/**
 * KEYS[1] session. Deletes it; returns nil when there was none (an expired one counts as none),
 * else '=<user>', or '-' when it had no user.
 */
export const DESTROY_SESSION = defineScript(String.raw`
local user = redis.call('HGET', KEYS[1], '\0u')
if redis.call('DEL', KEYS[1]) == 0 then return false end
if user then return '=' .. user end
return '-'
`);

/** KEYS[1] session; ARGV[1] user. Deletes the session only if it still belongs to that user: 1 deleted, 0 not, -1 gone. */
export const DESTROY_IF_USER = defineScript(String.raw`
local user = redis.call('HGET', KEYS[1], '\0u')
if user == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return 0
`);

/** KEYS[1] user index; ARGV[1] session key; ARGV[2] TTL in ms. Adds the member and makes the index outlive it. */
export const LINK_USER = defineScript(`
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`);
