/** Reads a V8 `.cpuprofile` and summarises one time window of it: self and inclusive time per function. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  where: string;
  category: string;
  selfUs: number;
  totalUs: number;
}

export interface ProfileSummary {
  windowUs: number;
  functions: FunctionTime[];
  categories: Array<{ category: string; us: number }>;
}

/** Makes a profile URL readable and free of this machine's paths: `src/core/cookie.ts`, `fastify/lib/route.js`, `node:internal/...`. */
export function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const build = /\/hallpass-bench-\d+\//.exec(path);
  const modules = path.lastIndexOf('/node_modules/');
  const repo = /\/(src|bench)\/.*$/.exec(path);
  const short = build
    ? path.slice(build.index + build[0].length)
    : modules !== -1
      ? path.slice(modules + '/node_modules/'.length)
      : repo
        ? repo[0].slice(1)
        : path;
  return `${short}:${line + 1}`;
}

function categoryOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  if (!url) return 'native';
  // The compiled build (build.ts) lives under bench/.build/hallpass-bench-<pid>.
  if (/\/hallpass-bench-\d+\/src\//.test(url)) return 'hallpass';
  if (/\/hallpass-bench-\d+\/bench\//.test(url)) return 'bench app';
  if (url.includes('/node_modules/')) {
    const after = url.slice(url.lastIndexOf('/node_modules/') + 14);
    const pkg = after.startsWith('@') ? after.split('/').slice(0, 2).join('/') : (after.split('/')[0] as string);
    return pkg === 'tsx' || pkg === 'esbuild' ? 'tsx' : pkg;
  }
  if (url.includes('/src/')) return 'hallpass';
  if (url.includes('/bench/')) return 'bench app';
  if (url.startsWith('node:')) return 'node core';
  return 'other';
}

/** Summarises the samples taken in the last `lastSeconds` of the profile, minus `trimSeconds` at each end. */
export function summariseProfile(file: string, lastSeconds: number, trimSeconds = 0.2): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const windowEnd = profile.endTime - trimSeconds * 1e6;
  const windowStart = profile.endTime - lastSeconds * 1e6 + trimSeconds * 1e6;
  const selfUs = new Map<number, number>();
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (time < windowStart || time > windowEnd) continue;
    // Each sample stands for the interval until the next one.
    const span = profile.timeDeltas[i + 1] ?? delta;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + span);
  }

  const keyOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}@${node.callFrame.url}:${node.callFrame.lineNumber}`;
  const functions = new Map<string, FunctionTime>();
  const entry = (node: ProfileNode) => {
    const key = keyOf(node);
    let found = functions.get(key);
    if (!found) {
      const { functionName, url, lineNumber } = node.callFrame;
      found = {
        name: functionName || '(anonymous)',
        where: shortWhere(url, lineNumber),
        category: categoryOf(url, functionName),
        selfUs: 0,
        totalUs: 0,
      };
      functions.set(key, found);
    }
    return found;
  };
  const categories = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id) as ProfileNode;
    const own = entry(node);
    own.selfUs += us;
    categories.set(own.category, (categories.get(own.category) ?? 0) + us);
    // Inclusive time: once per function on the stack, however often it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at) as ProfileNode;
      const key = keyOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      entry(frame).totalUs += us;
    }
  }
  const windowUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  return {
    windowUs,
    functions: [...functions.values()],
    categories: [...categories].map(([category, us]) => ({ category, us })).sort((a, b) => b.us - a.us),
  };
}
