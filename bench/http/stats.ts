/** Medians and same-round comparisons with the framework's bare app. */
import type { LoadResult } from './load.js';

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Results by config id, then kind key (`same/read`), one entry per round (undefined when that run failed). */
export type Results = Map<string, Map<string, Array<LoadResult | undefined>>>;

export function record(results: Results, configId: string, kind: string, round: number, result: LoadResult | undefined): void {
  let byKind = results.get(configId);
  if (!byKind) results.set(configId, (byKind = new Map()));
  let rounds = byKind.get(kind);
  if (!rounds) byKind.set(kind, (rounds = []));
  rounds[round] = result;
}

export interface Summary {
  rps: number;
  p99ms: number;
  /** Median of the per-round ratios rps / bare rps. */
  ratio: number;
  /** Median of the per-round 1e6/rps − 1e6/bare rps: µs of server CPU added per request. */
  addedUs: number;
  perRound: number[];
  errors: number;
  /** Median server CPU µs per request, and the median per-round difference with the bare app's. */
  cpuUs: number;
  addedCpuUs: number;
  /** Median per-round bare CPU µs / this CPU µs: the req/s ratio a saturated core would show. */
  cpuRatio: number;
}

export function summarise(results: Results, configId: string, bareId: string, kind: string): Summary | undefined {
  const rounds = results.get(configId)?.get(kind);
  const bare = results.get(bareId)?.get(kind);
  if (!rounds) return undefined;
  const ratios: number[] = [];
  const added: number[] = [];
  const addedCpu: number[] = [];
  const cpuRatios: number[] = [];
  rounds.forEach((result, round) => {
    const base = bare?.[round];
    if (!result || !base) return;
    ratios.push(result.rps / base.rps);
    added.push(1e6 / result.rps - 1e6 / base.rps);
    if (result.cpuUs !== undefined && base.cpuUs !== undefined) {
      addedCpu.push(result.cpuUs - base.cpuUs);
      cpuRatios.push(base.cpuUs / result.cpuUs);
    }
  });
  const ok = rounds.filter((r): r is LoadResult => r !== undefined);
  if (ok.length === 0) return undefined;
  return {
    rps: median(ok.map((r) => r.rps)),
    p99ms: median(ok.map((r) => r.p99ms)),
    ratio: median(ratios),
    addedUs: median(added),
    perRound: rounds.map((r) => r?.rps ?? Number.NaN),
    errors: ok.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
    cpuUs: median(ok.flatMap((r) => (r.cpuUs === undefined ? [] : [r.cpuUs]))),
    addedCpuUs: median(addedCpu),
    cpuRatio: median(cpuRatios),
  };
}

/** Medians of each floor measurement over every sample of the run. */
export function floorMedians(samples: readonly Record<string, number>[]): Record<string, number> {
  const names = new Set(samples.flatMap((sample) => Object.keys(sample)));
  return Object.fromEntries([...names].map((name) => [name, median(samples.map((s) => s[name] as number).filter(Number.isFinite))]));
}
