/**
 * The benchmark's targets, each as a ratio against a baseline from the same run's same rounds. Every
 * ratio is given twice: from requests per second and from the server's CPU time per request (far
 * steadier when other work shares the machine). A row whose limit is `cost` has no limit: it states
 * what one configuration costs over another.
 */
import { COOKIE_CODECS, type Config, FRAMEWORK_LABEL, type Framework, kindKey, LIBRARIES } from './configs.js';
import { type Results, type Summary, summarise } from './stats.js';

/** One way of measuring a target: the subject's figure, the reference's, their ratio, and whether the limit holds. */
export interface Measure {
  value: number;
  reference: number;
  referenceLabel: string;
  ratio: number;
  pass: boolean | undefined;
}

export interface TargetRow {
  target: string;
  framework: string;
  subject: string;
  route: string;
  unit: 'µs' | 'req/s';
  limit: string;
  rps?: Measure;
  cpu?: Measure;
}

type Metric = 'rps' | 'cpu';
const scenarioOf = (kind: string) => (kind.startsWith('pool') ? 'pool' : 'repeat cookie');
const added = (s: Summary, metric: Metric) => (metric === 'rps' ? s.addedUs : s.addedCpuUs);

const SUBJECTS: Record<string, string> = {
  'hallpass-redis': 'redis (ioredis)',
  'hallpass-redis-node': 'redis (node-redis)',
  'hallpass-multi': 'sealed + revocations on Redis',
};
const subjectName = (config: Config) =>
  `${SUBJECTS[config.library] ?? config.library.replace(/^hallpass-/, '')}${config.variant ? ` (${config.variant})` : ''}`;
const peerName = (config: Config) => `${LIBRARIES[config.library]?.label}${config.library.endsWith('-redis') ? ' + connect-redis' : ''}`;

/** The reference apps target 4 is also read against, when the run has them. */
const UNTOUCHED_REFERENCES = [
  { library: 'noop', target: '4b. untouched session vs a no-op middleware', label: 'no-op middleware' },
  { library: 'noop-session', target: '4c. untouched session vs a middleware that only sets req.session', label: 'req.session middleware' },
];

export function computeTargets(configs: Config[], results: Results, floor: Record<string, number>): TargetRow[] {
  const rows: TargetRow[] = [];
  const bareOf = (framework: Framework) => `${framework}/bare`;
  const summary = (config: Config, kind: string) => summarise(results, config.id, bareOf(config.framework), kind);
  const frameworks = [...new Set(configs.map((c) => c.framework))];

  /** The peer adding the least for a kind on a framework, by one metric. */
  const fastestPeer = (framework: Framework, kind: string, metric: Metric) => {
    let best: { label: string; us: number } | undefined;
    for (const config of configs) {
      if (config.framework !== framework || LIBRARIES[config.library]?.reference || LIBRARIES[config.library]?.hallpass) continue;
      const s = summary(config, kind);
      const us = s && added(s, metric);
      if (us !== undefined && Number.isFinite(us) && (!best || us < best.us)) best = { label: peerName(config), us };
    }
    return best;
  };
  const measure = (s: Summary, metric: Metric, ref: { label: string; us: number } | undefined, limit: number): Measure | undefined => {
    const value = added(s, metric);
    if (!ref || !Number.isFinite(value)) return undefined;
    const ratio = value / ref.us;
    // A reference at or below zero is inside the noise: no ratio can be judged against it.
    return {
      value,
      reference: ref.us,
      referenceLabel: ref.label,
      ratio,
      pass: ref.us > 0 && Number.isFinite(limit) ? ratio <= limit : undefined,
    };
  };
  type Ref = (metric: Metric) => { label: string; us: number } | undefined;
  const compare = (target: string, subject: Config, kind: string, ref: Ref, limit: number) => {
    const s = summary(subject, kind);
    if (!s) return;
    rows.push({
      target,
      framework: FRAMEWORK_LABEL[subject.framework],
      subject: subjectName(subject),
      route: `/${kind.split('/')[1]}`,
      unit: 'µs',
      limit: Number.isFinite(limit) ? `≤ ${limit}×` : 'cost',
      rps: measure(s, 'rps', ref('rps'), limit),
      cpu: measure(s, 'cpu', ref('cpu'), limit),
    });
  };
  /** hallpass's cookie codecs on a framework, as configured by default (side runs with extra options are not targets). */
  const hallpassCookie = (framework: Framework) =>
    configs.filter((c) => c.framework === framework && COOKIE_CODECS.has(c.library) && c.variant === undefined);
  const find = (framework: Framework, library: string) =>
    configs.find((c) => c.framework === framework && c.library === library && c.variant === undefined);
  const peerRef = (peer: Config | undefined, kind: string, label: string) => (m: Metric) => {
    const s = peer && summary(peer, kind);
    return s ? { label, us: added(s, m) } : undefined;
  };

  // 1. The pool: more distinct cookies than the verified-cookie cache holds, default settings.
  for (const framework of frameworks) {
    for (const route of ['read', 'write']) {
      const kind = `pool/${route}`;
      for (const config of hallpassCookie(framework)) {
        compare('1. cookie, pool, default settings, vs fastest peer', config, kind, (m) => fastestPeer(framework, kind, m), 1.0);
      }
    }
  }
  // 2. The same cookie on every request: hallpass's cache serves it without decrypting.
  for (const framework of frameworks) {
    for (const route of ['read', 'write']) {
      const kind = `same/${route}`;
      for (const config of hallpassCookie(framework)) {
        compare('2. cookie, repeat cookie (cache hit), vs fastest peer', config, kind, (m) => fastestPeer(framework, kind, m), 0.8);
      }
    }
  }
  // 2b. The pool read against the primitive alone, timed in a tight loop (informational).
  for (const framework of frameworks) {
    for (const route of ['read', 'write']) {
      const kind = `pool/${route}`;
      for (const config of hallpassCookie(framework)) {
        // The crypto floor is node:crypto's, which the libsodium codec does not use.
        if (config.library === 'hallpass-secretbox') continue;
        const codec = config.library === 'hallpass-sealed' ? 'sealed' : 'signed';
        const floorUs = floor[`${codec} floor ${route}`];
        const primitive = codec === 'sealed' ? 'AES-256-GCM' : 'HMAC-SHA256';
        const steps =
          codec === 'sealed'
            ? { read: 'open + JSON.parse', write: 'open + parse + stringify + seal' }
            : { read: 'verify + JSON.parse', write: 'verify + parse + stringify + sign' };
        const label = `${primitive} ${route === 'read' ? steps.read : steps.write}`;
        compare('2b. cookie, pool, vs crypto floor', config, kind, () => (floorUs === undefined ? undefined : { label, us: floorUs }), 1.5);
      }
    }
  }
  // The like-for-like view of 2b: the codec alone against the same primitive, both timed in one tight loop.
  for (const codec of ['sealed', 'signed'] as const) {
    if (!configs.some((c) => c.library === `hallpass-${codec}`)) continue;
    for (const route of ['read', 'write'] as const) {
      const value = floor[`${codec} codec ${route}`];
      const reference = floor[`${codec} floor ${route}`];
      if (value === undefined || reference === undefined) continue;
      const primitive = codec === 'sealed' ? 'AES-256-GCM' : 'HMAC-SHA256';
      rows.push({
        target: '2c. codec alone (no HTTP) vs crypto floor',
        framework: '-',
        subject: codec,
        route: route === 'read' ? 'decode' : 'decode + encode',
        unit: 'µs',
        limit: '≤ 1.5×',
        cpu: { value, reference, referenceLabel: `${primitive} + JSON`, ratio: value / reference, pass: value / reference <= 1.5 },
      });
    }
  }
  // 3. Redis: hallpass's store against express-session + connect-redis.
  for (const config of configs.filter(
    (c) => LIBRARIES[c.library]?.hallpass && LIBRARIES[c.library]?.redis && !LIBRARIES[c.library]?.cookieMode,
  )) {
    const peer = find(config.framework, 'express-session-redis');
    if (!peer) continue;
    for (const kind of ['same/read', 'same/write', 'pool/read', 'pool/write']) {
      const scenario = kind.startsWith('pool') ? 'pool' : 'repeat cookie';
      compare(
        `3. Redis, ${scenario}, vs express-session + connect-redis`,
        config,
        kind,
        peerRef(peer, kind, 'express-session + connect-redis'),
        0.5,
      );
    }
  }
  // 5. Express: every hallpass row against express-session (MemoryStore) on the same route and scenario.
  for (const config of configs.filter((c) => c.framework === 'express' && LIBRARIES[c.library]?.hallpass && !c.variant)) {
    if (LIBRARIES[config.library]?.redis) continue;
    const peer = find('express', 'express-session');
    for (const kind of config.kinds.map(kindKey)) {
      if (kind.endsWith('/untouched')) continue;
      compare(
        `5. Express, ${scenarioOf(kind)}, vs express-session (MemoryStore)`,
        config,
        kind,
        peerRef(peer, kind, 'express-session'),
        0.8,
      );
    }
  }
  // 6. secretboxCodec against @fastify/secure-session, on the primitive they share.
  for (const config of configs.filter((c) => c.library === 'hallpass-secretbox' && !c.variant)) {
    const peer = find(config.framework, 'secure-session');
    for (const kind of ['same/read', 'same/write', 'pool/read', 'pool/write']) {
      compare(
        `6. secretboxCodec, ${scenarioOf(kind)}, vs @fastify/secure-session`,
        config,
        kind,
        peerRef(peer, kind, '@fastify/secure-session'),
        1.0,
      );
    }
  }
  // 7. Several instances: the default cookie with its revocations shared on Redis. Its cost is its
  // figure against the single-instance default's (the ratio), and against the fastest peer.
  for (const config of configs.filter((c) => c.library === 'hallpass-multi' && !c.variant)) {
    const single = find(config.framework, 'hallpass-sealed');
    for (const kind of ['same/read', 'same/write', 'pool/read', 'pool/write']) {
      compare(
        `7a. multi-instance (revocations on Redis), ${scenarioOf(kind)}, vs fastest peer`,
        config,
        kind,
        (m) => fastestPeer(config.framework, kind, m),
        1.0,
      );
      compare(
        `7b. multi-instance cost, ${scenarioOf(kind)}: vs the single-instance default`,
        config,
        kind,
        peerRef(single, kind, 'sealed'),
        Number.POSITIVE_INFINITY,
      );
    }
  }
  for (const config of configs.filter((c) => LIBRARIES[c.library]?.hallpass && !c.variant)) {
    const s = summary(config, 'same/untouched');
    const bare = summarise(results, bareOf(config.framework), bareOf(config.framework), 'same/untouched');
    if (!s || !bare) continue;
    const ratio = (value: number, reference: number, r: number, referenceLabel = 'bare'): Measure => ({
      value,
      reference,
      referenceLabel,
      ratio: r,
      pass: Number.isFinite(r) ? r >= 0.97 : undefined,
    });
    rows.push({
      target: '4. untouched session vs bare app',
      framework: FRAMEWORK_LABEL[config.framework],
      subject: subjectName(config),
      route: '/untouched',
      unit: 'req/s',
      limit: '≥ 0.97×',
      rps: ratio(s.rps, bare.rps, s.ratio),
      cpu: ratio(1e6 / s.cpuUs, 1e6 / bare.cpuUs, s.cpuRatio),
    });
    // The same request against the framework's price of one middleware that does nothing (4b), and
    // of one that only sets `req.session` (4c): what is hallpass's own.
    for (const reference of UNTOUCHED_REFERENCES) {
      const referenceId = `${config.framework}/${reference.library}`;
      const against = configs.some((c) => c.id === referenceId) && summarise(results, config.id, referenceId, 'same/untouched');
      const own = against && summarise(results, referenceId, referenceId, 'same/untouched');
      if (!against || !own) continue;
      rows.push({
        target: reference.target,
        framework: FRAMEWORK_LABEL[config.framework],
        subject: subjectName(config),
        route: '/untouched',
        unit: 'req/s',
        limit: '≥ 0.97×',
        rps: ratio(against.rps, own.rps, against.ratio, reference.label),
        cpu: ratio(1e6 / against.cpuUs, 1e6 / own.cpuUs, against.cpuRatio, reference.label),
      });
    }
  }
  return rows;
}
