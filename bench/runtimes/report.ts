/** The markdown report: one table per runtime, per-request cost over the bare handler, hallpass ÷ iron-session. */
import { type Results, type Summary, summarise } from '../http/stats.js';
import type { RuntimesBenchOptions } from './args.js';
import { type Library, ROUTES, type Runtime, SCENARIOS } from './libraries.js';

export interface RunNotes {
  command: string;
  started: Date;
  seconds: number;
  versions: Array<[string, string]>;
  loadAverages: number[];
}

export const configId = (runtime: Runtime, library: Library): string => `${runtime}/${library}`;

const rps = (s: Summary | undefined) => (s ? Math.round(s.rps).toLocaleString('en-US') : 'failed');
const micro = (s: Summary | undefined) => (s && Number.isFinite(s.addedUs) ? `${s.addedUs.toFixed(1)} µs` : 'n/a');
const times = (s: Summary | undefined) => (s && Number.isFinite(s.ratio) ? `${s.ratio.toFixed(2)}×` : 'n/a');

/** hallpass's added µs over iron-session's; n/a when either is not above the bare handler's. */
export function versus(hallpass: Summary | undefined, iron: Summary | undefined): string {
  if (!hallpass || !iron || !(hallpass.addedUs > 0) || !(iron.addedUs > 0)) return 'n/a';
  return `${(hallpass.addedUs / iron.addedUs).toFixed(2)}×`;
}

const SCENARIO_NAME = { pool: 'pool', repeat: 'repeat cookie' } as const;

export function renderReport(results: Results, options: RuntimesBenchOptions, notes: RunNotes): string {
  const loads = notes.loadAverages;
  const lines = [
    `# hallpass and iron-session on Deno, Bun, workerd${options.runtimes.includes('edge') ? ' and the edge runtime' : ''}`,
    '',
    `Run of ${notes.started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${Math.round(notes.seconds)} s in all:`,
    '',
    '```sh',
    notes.command,
    '```',
    '',
    `${options.rounds} interleaved rounds of ${options.duration} s per row, ${options.connections} connections from autocannon ` +
      `(its own Node process, pinned to core ${options.loadCpu}) to 127.0.0.1; the runtimes unpinned. Pool: ${options.poolSize.toLocaleString('en-US')} ` +
      'distinct cookies per library, made beforehand by its own handler, sent in turn; repeat cookie: one of them on every request. ' +
      'Figures are medians over the rounds; "added" is the median per-round 10⁶/rps(library) − 10⁶/rps(bare), the µs each request ' +
      'costs over the bare handler of the same runtime and round, and "hallpass ÷ iron" divides hallpass\'s added µs by iron-session\'s ' +
      '(below 1 is cheaper). "× bare" is the median per-round rps(library) / rps(bare).',
    '',
    `**Load note**: a busy 2-core machine shared with other work; the 1-minute load average read ${Math.min(...loads)}–${Math.max(...loads)} ` +
      'during this run. Load generator and server share those 2 cores, so the runtimes are measured under contention, and a single ' +
      'row can move by a factor of two between runs; compare within a runtime and a round, not across machines.',
    '',
  ];
  for (const runtime of options.runtimes) {
    lines.push(
      `## ${runtime}`,
      '',
      '| scenario | route | bare req/s | hallpass req/s | iron-session req/s | hallpass × bare | iron-session × bare | hallpass added | iron-session added | hallpass ÷ iron |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const scenario of SCENARIOS) {
      for (const route of ROUTES) {
        const kind = `${scenario}/${route}`;
        const bareId = configId(runtime, 'bare');
        const bare = summarise(results, bareId, bareId, kind);
        const hallpass = summarise(results, configId(runtime, 'hallpass'), bareId, kind);
        const iron = summarise(results, configId(runtime, 'iron-session'), bareId, kind);
        lines.push(
          `| ${SCENARIO_NAME[scenario]} | \`/${route}\` | ${rps(bare)} | ${rps(hallpass)} | ${rps(iron)} | ${times(hallpass)} | ${times(iron)} | ${micro(hallpass)} | ${micro(iron)} | ${versus(hallpass, iron)} |`,
        );
      }
    }
    const failures = [bareErrors(results, runtime)].filter(Boolean);
    lines.push('', ...failures, '');
  }
  lines.push('## Versions', '', '| | |', '|---|---|', ...notes.versions.map(([name, version]) => `| ${name} | ${version} |`), '');
  return lines.join('\n');
}

/** A line naming the errors and non-2xx answers of a runtime's rows, or '' when there were none. */
function bareErrors(results: Results, runtime: Runtime): string {
  const parts: string[] = [];
  for (const [id, byKind] of results) {
    if (!id.startsWith(`${runtime}/`)) continue;
    for (const [kind, rounds] of byKind) {
      const errors = rounds.reduce((sum, r) => sum + (r ? r.errors + r.non2xx : 0), 0);
      const failed = rounds.filter((r) => r === undefined).length;
      if (errors > 0 || failed > 0) parts.push(`${id} ${kind}: ${errors} errors or non-2xx, ${failed} failed rounds`);
    }
  }
  return parts.length > 0 ? `Errors: ${parts.join('; ')}.` : '';
}
