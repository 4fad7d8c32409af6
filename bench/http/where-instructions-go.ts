/**
 * Where a server's instructions go, by part of the runtime, from the callgrind dumps that
 * `npm run bench -- instructions --keep-dumps <dir>` keeps (one per counted window):
 *
 *   node --import tsx bench/http/where-instructions-go.ts <dir> express.bare.same-read express.hallpass-sealed.same-read
 *
 * Each name is a config and kind as the dumps are named (`<framework>.<config>.<scenario>-<route>`);
 * the first is the baseline. For each, the window with the median total is read with
 * `callgrind_annotate` (self cost per function) and its functions are put into parts by their
 * symbol: the JIT's code has none (V8's generated code shows as bare addresses), but V8's runtime
 * and builtins, the garbage collector, OpenSSL and libc do. Prints per-request instructions per
 * part, and each name's difference from the baseline. A window is `--requests` requests (400 unless
 * the count was run with another; set WINDOW_REQUESTS to match).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts, first match wins; a function's symbol (demangled by callgrind_annotate) decides. */
const PARTS: readonly (readonly [string, RegExp])[] = [
  [
    'garbage collection',
    /Scaveng|Evacuat|Pretenur|Promot|Sweep|MarkCompact|Marking|Heap::|heap::base|SemiSpace|SizeFromMap|Ephemeron|Remembered|SlotSet|GCTracer|cppgc/,
  ],
  [
    'property lookups that miss V8’s inline caches',
    /LookupIterator|LoadIC|StoreIC|KeyedLoad|KeyedStore|StubCache|FieldIndex|IC::|Runtime_.*IC|FetchValue|MakePrototypesFast|FeedbackNexus|PrototypeIterator|LoadHandler|StoreHandler|InitPrototypeChecks|DefineKeyed|Megamorphic/,
  ],
  [
    'hidden classes (maps) made and changed',
    /Map::|MigrateToMap|DescriptorArray|Transition|MapUpdater|FieldType|PrototypeInfo|UpdateDescriptorForValue|MigrateDeprecated|DependentCode/,
  ],
  ['cryptography (OpenSSL)', /libcrypto|EVP_|aes|gcm_|AES|CRYPTO_|OPENSSL|sha256|SHA256/],
  ['V8 builtins', /Builtins_/],
  ['JIT-compiled JavaScript', /^\?\?\?:0x/],
  ['libc (memory, strings)', /libc\.so|memcpy|memmove|memset|malloc|free|strlen/],
];
const OTHER = 'other (V8 runtime, Node, libuv)';
/** The frames every window passes through: their "self" lines carry the whole window. */
const FRAMES = /PROGRAM TOTALS|main\b|\bmain|__libc_start|node::Start|SpinEventLoop|NodeMainInstance|0x000000000001ab70/;

function partOf(symbol: string): string {
  for (const [part, pattern] of PARTS) if (pattern.test(symbol)) return part;
  return OTHER;
}

/** Self instructions per function in one dump. */
function selfCosts(file: string): Map<string, number> {
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const costs = new Map<string, number>();
  let table = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('Ir')) {
      table = true;
      continue;
    }
    const match = table ? /^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(.*)$/.exec(line) : null;
    if (!match?.[1] || !match[2] || FRAMES.test(match[2])) continue;
    const symbol = match[2].trim();
    costs.set(symbol, (costs.get(symbol) ?? 0) + Number(match[1].replaceAll(',', '')));
  }
  return costs;
}

function medianWindow(dir: string, name: string): string {
  const files = readdirSync(dir).filter((file) => file.startsWith(`${name}.`) && file.endsWith('.out'));
  if (files.length === 0) throw new Error(`no dumps named ${name}.<n>.out in ${dir}`);
  const totals = files.map((file) => {
    const summary = /summary:\s*(\d+)/.exec(readFileSync(join(dir, file), 'utf8'));
    return { file, total: Number(summary?.[1] ?? 0) };
  });
  totals.sort((a, b) => a.total - b.total);
  return join(dir, (totals[Math.floor((totals.length - 1) / 2)] as { file: string }).file);
}

function main(): void {
  const [dir, ...names] = process.argv.slice(2);
  const requests = Number(process.env.WINDOW_REQUESTS ?? 400);
  if (!dir || names.length === 0) {
    console.error('usage: where-instructions-go.ts <dumps dir> <baseline name> [<name> ...]  (WINDOW_REQUESTS, default 400)');
    process.exit(2);
  }
  const rows = names.map((name) => {
    const file = medianWindow(dir, name);
    const perPart = new Map<string, number>();
    for (const [symbol, cost] of selfCosts(file)) perPart.set(partOf(symbol), (perPart.get(partOf(symbol)) ?? 0) + cost);
    return { name, file, perPart: new Map([...perPart].map(([part, cost]) => [part, cost / requests])) };
  });
  const k = (n: number) => `${(n / 1000).toFixed(1)} k`;
  const parts = [...PARTS.map(([part]) => part), OTHER];
  const baseline = rows[0] as (typeof rows)[number];
  console.log(
    `| part | ${rows.map((row) => row.name).join(' | ')} |${rows
      .slice(1)
      .map(() => ' difference |')
      .join('')}`,
  );
  console.log(
    `|---|${rows.map(() => '---:|').join('')}${rows
      .slice(1)
      .map(() => '---:|')
      .join('')}`,
  );
  for (const part of [...parts, 'total']) {
    const value = (row: (typeof rows)[number]) =>
      part === 'total' ? [...row.perPart.values()].reduce((a, b) => a + b, 0) : (row.perPart.get(part) ?? 0);
    const cells = rows.map((row) => k(value(row)));
    const diffs = rows.slice(1).map((row) => `${value(row) >= value(baseline) ? '+' : ''}${k(value(row) - value(baseline))}`);
    console.log(`| ${part} | ${cells.join(' | ')} | ${diffs.join(' | ')} |`);
  }
  for (const row of rows) console.log(`\n${row.name}: ${row.file}`);
}

main();
