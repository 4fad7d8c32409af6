/** Tiny timing helpers for the micro-benchmarks: interleaved rounds, medians, µs per operation. */

export interface Case {
  name: string;
  run: () => unknown;
}

/** µs per call of `run`, timed over about `ms` milliseconds after a warm-up. */
export function timeCase(run: () => unknown, ms: number): number {
  for (let i = 0; i < 2000; i++) run();
  let iterations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 500; i++) run();
    iterations += 500;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / 1000 / iterations;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Runs every case `rounds` times, interleaved so machine noise hits all alike; returns medians in µs. */
export function measure(cases: Case[], rounds = 3, ms = 300): Map<string, number> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) samples.get(c.name)?.push(timeCase(c.run, ms));
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

export const fmt = (value: number, digits = 2) => value.toFixed(digits);
