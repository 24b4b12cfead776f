import type { ProviderName } from '../../src/model/provider-name.js';
import type { Simulator } from '../../src/sim/simulator.js';

/**
 * Where a multi-process run's 429s fell, by client and by phase: the simulator's per-client counts
 * (its /stats, the referee) read every `everyMs` on the test's clock, so each 429 is placed within
 * one sample of when the simulator decided it.
 *
 *   phase(t)   the first of `phases` (in order) whose [from, to) holds t; 'steady' when none does
 *   count      per client (the instance header's name) and phase: requests and 429s that came
 *              between two samples, put at the later one
 */
export interface Phase {
  name: string;
  from: number;
  to: number;
}

interface Sample {
  at: number;
  clients: Map<string, { requests: number; rateLimited: number }>;
}

export interface PhaseCount {
  requests: number;
  rateLimited: number;
}

export class RefusalTimeline {
  private readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sim: Simulator,
    private readonly provider: ProviderName,
    everyMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** When the first request came, on the test's clock (undefined before any). */
  get firstRequestAt(): number | undefined {
    const [first, ...rest] = this.samples;
    const before = (id: string) => first?.clients.get(id)?.requests ?? 0;
    return rest.find((s) => [...s.clients].some(([id, c]) => c.requests > before(id)))?.at;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** client → phase → counts; the totals under client '*' and phase '*'. */
  counts(phases: readonly Phase[]): Map<string, Map<string, PhaseCount>> {
    const out = new Map<string, Map<string, PhaseCount>>();
    const add = (client: string, phase: string, requests: number, rateLimited: number) => {
      const byPhase = out.get(client) ?? new Map<string, PhaseCount>();
      out.set(client, byPhase);
      const c = byPhase.get(phase) ?? { requests: 0, rateLimited: 0 };
      byPhase.set(phase, { requests: c.requests + requests, rateLimited: c.rateLimited + rateLimited });
    };
    for (let i = 1; i < this.samples.length; i += 1) {
      const [prev, cur] = [this.samples[i - 1] as Sample, this.samples[i] as Sample];
      const phase = phases.find((p) => cur.at >= p.from && cur.at < p.to)?.name ?? 'steady';
      for (const [client, c] of cur.clients) {
        const p = prev.clients.get(client) ?? { requests: 0, rateLimited: 0 };
        const [requests, rateLimited] = [c.requests - p.requests, c.rateLimited - p.rateLimited];
        if (requests === 0 && rateLimited === 0) continue;
        for (const [who, when] of [
          [client, phase],
          [client, '*'],
          ['*', phase],
          ['*', '*'],
        ] as const)
          add(who, when, requests, rateLimited);
      }
    }
    return out;
  }

  /** One line per client: its requests and 429s per phase, e.g. `b: cold 9/2 · steady 40/0`. */
  describe(phases: readonly Phase[], names: ReadonlyMap<string, string> = new Map()): string {
    const lines: string[] = [];
    const order = [...phases.map((p) => p.name), 'steady', '*'];
    for (const [client, byPhase] of [...this.counts(phases)].sort(([a], [b]) => a.localeCompare(b))) {
      const parts = order
        .filter((n) => byPhase.has(n))
        .map((n) => `${n === '*' ? 'all' : n} ${byPhase.get(n)?.requests}/${byPhase.get(n)?.rateLimited}`);
      const instance = client.replace(/^(key-[0-9a-f]+|no-key)\//, '');
      lines.push(`  ${names.get(instance) ?? instance}: ${parts.join(' · ')} (requests/429s)`);
    }
    return lines.join('\n');
  }

  private sample(): void {
    const stats = this.sim.stats();
    const clients = new Map<string, { requests: number; rateLimited: number }>();
    for (const [id, c] of Object.entries(stats.clients)) {
      const s = c[this.provider];
      if (s.requests > 0) clients.set(id, { requests: s.requests, rateLimited: s.rateLimited });
    }
    this.samples.push({ at: Date.now(), clients });
  }
}
