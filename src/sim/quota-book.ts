import { createRateQuota } from './create-rate-quota.js';
import { DailyQuota } from './daily-quota.js';
import { keyLimits, limitsAt } from './quota-schedule.js';
import type { QuotaLimits, RateQuota } from './rate-quota.js';
import type { ProviderScenario } from './scenario.js';

/**
 * The quotas of one simulated provider, by owner. As at the real services a quota belongs to an API
 * key: callers sharing a key share its quota, callers with different keys never meet. With
 * `quotaScope: "shared"` there is one owner, every caller. Each owner has a rate quota of the
 * scenario's shape and a daily allowance; the schedule's limits reach every owner as time passes:
 *
 *   owner(caller) = "*" when shared, else the caller's key tag
 *   limits(t)     = limitsAt({ rpm, tpm, windowMs }, schedule, t − origin)      (quota-schedule.ts)
 */
export interface OwnerQuota {
  rate: RateQuota;
  daily: DailyQuota;
}

export class QuotaBook {
  private readonly owners = new Map<string, OwnerQuota>();
  private applied: QuotaLimits;

  constructor(
    private config: ProviderScenario,
    private readonly origin: number,
    private readonly now: () => number,
  ) {
    this.applied = this.scheduled();
  }

  /** The quota a caller with this key tag draws from, created full on first use. */
  of(keyTag: string): OwnerQuota {
    this.follow();
    const owner = this.config.quotaScope === 'shared' ? '*' : keyTag;
    let quota = this.owners.get(owner);
    if (quota === undefined) {
      const { quotaShape, burst, rpd } = this.config;
      quota = {
        rate: createRateQuota(quotaShape, this.applied, this.now, burst),
        daily: new DailyQuota(rpd, this.origin, this.now),
      };
      this.owners.set(owner, quota);
    }
    return quota;
  }

  /** The limits in force now (the schedule's, else the scenario's). */
  limits(): QuotaLimits {
    this.follow();
    return this.applied;
  }

  /** The limits reported for the key: the scenario's, or a raised tier's (quota-schedule.ts). */
  reportedLimits(): QuotaLimits {
    const { rpm, tpm, windowMs } = this.config;
    return keyLimits({ rpm, tpm, windowMs }, this.limits());
  }

  /** A changed scenario: a new shape or scope starts every quota afresh; new limits keep what is held. */
  reconfigure(config: ProviderScenario): void {
    const previous = this.config;
    this.config = config;
    const fresh =
      previous.quotaShape !== config.quotaShape ||
      previous.burst !== config.burst ||
      previous.quotaScope !== config.quotaScope;
    if (fresh) this.owners.clear();
    this.applied = this.scheduled();
    for (const quota of this.owners.values()) {
      quota.rate.setLimits(this.applied);
      quota.daily.setLimit(config.rpd);
    }
  }

  private follow(): void {
    const limits = this.scheduled();
    const a = this.applied;
    if (limits.rpm === a.rpm && limits.tpm === a.tpm && limits.windowMs === a.windowMs) return;
    this.applied = limits;
    for (const quota of this.owners.values()) quota.rate.setLimits(limits);
  }

  private scheduled(): QuotaLimits {
    const { rpm, tpm, windowMs, schedule } = this.config;
    return limitsAt({ rpm, tpm, windowMs }, schedule, this.now() - this.origin);
  }
}
