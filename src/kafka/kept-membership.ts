/**
 * Tells when a rebalance kafkajs announced has ended with this member's assignment as it was.
 *
 * kafkajs announces a rebalance, then rejoins. When the rejoin fails with an error it retries —
 * the coordinator still loading the group after a broker restart answers GROUP_LOAD_IN_PROGRESS,
 * which kafkajs 2.2.4 does not treat as a rebalance (its open PR #1779) — it goes back to fetching
 * as the member it was, and no join follows. A coordinator that accepts that member's heartbeat in
 * the generation of its assignment has kept the assignment: generations move at every rebalance,
 * and a group preparing one refuses heartbeats.
 *
 *   kept(hb)  ⇔  rebalancing  ∧  hb.member = m  ∧  hb.generation = g
 *
 * where m is the member of the last join and g the generation of the first heartbeat after it
 * (kafkajs's join event does not carry it; a heartbeat is sent in the joined generation).
 */
export class KeptMembership {
  private member: string | undefined;
  private generation: number | undefined;

  /** The group assigned this member its partitions. */
  joined(memberId: string): void {
    this.member = memberId;
    this.generation = undefined;
  }

  /** The member is gone (a crash): its next membership starts with its next join. */
  forget(): void {
    this.member = undefined;
    this.generation = undefined;
  }

  /** A heartbeat the coordinator accepted; true when it ends a rebalance with nothing moved. */
  heartbeat(memberId: string, generation: number, rebalancing: boolean): boolean {
    if (this.member === undefined || memberId !== this.member) return false;
    if (this.generation === undefined) {
      // Learnt only outside a rebalance: a heartbeat during one may carry a generation the
      // assignment we hold was not made in.
      if (!rebalancing) this.generation = generation;
      return false;
    }
    return rebalancing && generation === this.generation;
  }
}
