import { describe, expect, it } from 'vitest';
import { QuotaSharing } from '../../../src/router/sharing/quota-sharing.js';
import { decodeShareRecord } from '../../../src/router/sharing/share-record.js';

function sharing(instance: string, clock: { t: number }): QuotaSharing {
  return new QuotaSharing({ instance, sessionTimeoutMs: 10_000, now: () => clock.t });
}

/** Hands every message one instance published to the others, as the topic would. */
function deliver(from: QuotaSharing, to: QuotaSharing[], all = false): void {
  for (const m of from.reports(all)) for (const s of to) s.heard(m.key, m.value, false);
}

describe('QuotaSharing', () => {
  it('shares a key only among the instances that use it: other keys never count', () => {
    const clock = { t: 0 };
    const [a, b, c] = ['a', 'b', 'c'].map((id) => sharing(id, clock)) as [
      QuotaSharing,
      QuotaSharing,
      QuotaSharing,
    ];
    const keyA = a.shareFor('gemini', 'aaaa');
    b.shareFor('gemini', 'aaaa');
    const keyC = c.shareFor('gemini', 'cccc');
    for (const s of [a, b, c]) s.shareFor('gemini', s === c ? 'cccc' : 'aaaa').demand(0, 2);
    for (const s of [a, b, c])
      deliver(
        s,
        [a, b, c].filter((x) => x !== s),
        true,
      );
    expect(keyA.instances(0)).toBe(2);
    expect(keyA.fraction(0)).toBeCloseTo(1 / 2);
    expect(keyC.instances(0)).toBe(1);
    expect(keyC.fraction(0)).toBe(1);
  });

  it('gives one share per key, whoever asks for it again', () => {
    const s = sharing('a', { t: 0 });
    expect(s.shareFor('gemini', 'k')).toBe(s.shareFor('gemini', 'k'));
    expect(s.shareFor('openai', 'j')).not.toBe(s.shareFor('gemini', 'k'));
  });

  it('publishes a key every second without news, and a quarter of a second after the last with news', () => {
    const clock = { t: 0 };
    const s = sharing('a', clock);
    const share = s.shareFor('gemini', 'k');
    expect(s.reports()).toHaveLength(1);
    clock.t = 500;
    expect(s.reports()).toHaveLength(0);
    clock.t = 1_000;
    expect(s.reports()).toHaveLength(1);
    share.admitted(1_100, 10);
    clock.t = 1_200;
    expect(s.reports()).toHaveLength(0);
    clock.t = 1_250;
    const [m] = s.reports();
    expect(m?.key).toBe('k/a');
    expect(decodeShareRecord(m?.value ?? '')?.usage).toEqual([[250, 1, 10]]);
  });

  it('publishes a quarter of the window apart once the key’s window is known to be short', () => {
    const clock = { t: 0 };
    const s = sharing('a', clock);
    s.shareFor('gemini', 'k').estimate({ windowMs: 2_000, requests: 10, learntAt: 0 });
    expect(s.reports()).toHaveLength(1);
    clock.t = 500;
    expect(s.reports()).toHaveLength(1);
  });

  it('says goodbye with a last record of its usage and then a tombstone per key', () => {
    const s = sharing('a', { t: 0 });
    s.shareFor('gemini', 'k');
    s.shareFor('openai', 'j');
    const bye = s.farewells();
    expect(bye.map((m) => [m.key, m.value === null])).toEqual([
      ['k/a', false],
      ['j/a', false],
      ['k/a', true],
      ['j/a', true],
    ]);
  });

  it('knows the topic works while its own records come back, and says when they stop', () => {
    const clock = { t: 0 };
    const s = sharing('a', clock);
    s.shareFor('gemini', 'k');
    expect(s.connected()).toBe(false);
    const [m] = s.reports(true);
    // Read while catching up too: its id is this process's alone, so the record went through the topic.
    s.heard(m?.key ?? '', m?.value ?? null, true);
    expect(s.connected()).toBe(true);
    clock.t = 10_001;
    expect(s.connected()).toBe(false);
    s.heard(m?.key ?? '', m?.value ?? null, false);
    expect(s.connected()).toBe(true);
  });

  it('ignores messages it cannot read rather than failing', () => {
    const s = sharing('a', { t: 0 });
    const share = s.shareFor('gemini', 'k');
    s.heard('no-slash', '{}', false);
    s.heard('k/b', 'not json', false);
    s.heard('k/b', JSON.stringify({ v: 1 }), false);
    expect(share.instances(0)).toBe(1);
  });
});
