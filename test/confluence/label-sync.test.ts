import { Subject, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { LabelOwnership } from '../../src/confluence/label-ownership.js';
import { newLabelStats, syncLabels, type LabelMessage } from '../../src/confluence/label-sync.js';
import { TagspaceError } from '../../src/model/errors.js';
import type { Delivery } from '../../src/model/work.js';
import { createConfluenceSim } from '../../src/sim/confluence/confluence-sim.js';
import { simApi } from './sim-client.js';

let offset = 0;
function message(pageId: string, version: number | undefined, tags: string[] | undefined): LabelMessage {
  const delivery: Delivery = {
    topic: 'tags',
    partition: 0,
    offset: String(offset++),
    key: Buffer.from(pageId),
    value: tags === undefined ? null : Buffer.from('{}'),
    headers: {},
    receivedAt: 0,
  };
  return { delivery, target: { pageId, version, tags } };
}

function setup() {
  const sim = createConfluenceSim();
  const { pageIds } = sim.seedSpace({ key: 'DEV', pages: 3, seed: 1 });
  const ownership = new Map<string, LabelOwnership>();
  const recorded: [string, LabelOwnership | null][] = [];
  const dead: [Delivery, TagspaceError][] = [];
  const finished: string[] = [];
  const ports = {
    api: simApi(sim),
    ownership,
    record: async (pageId: string, o: LabelOwnership | null) => void recorded.push([pageId, o]),
    deadLetter: async (d: Delivery, e: TagspaceError) => void dead.push([d, e]),
    finished: (d: Delivery) => void finished.push(d.offset),
  };
  return { sim, pageIds: pageIds as [string, string, string], ownership, recorded, dead, finished, ports };
}

const run = (messages: LabelMessage[], ports: ReturnType<typeof setup>['ports'], dryRun = false) => {
  const stats = newLabelStats();
  const source = new Subject<LabelMessage>();
  const done = lastValueFrom(syncLabels(source, ports, { dryRun, concurrency: 4 }, stats).pipe(toArray()));
  for (const m of messages) source.next(m);
  source.complete();
  return done.then(() => stats);
};

describe('syncLabels', () => {
  it('finishes every message exactly once, and only after its labels and ownership are written', async () => {
    const s = setup();
    const [a, b] = s.pageIds;
    const messages = [message(a, 1, ['kafka']), message(b, 1, ['rxjs'])];
    const stats = await run(messages, s.ports);
    expect(s.finished.sort()).toEqual(messages.map((m) => m.delivery.offset).sort());
    expect(s.recorded.map(([id]) => id).sort()).toEqual([a, b].sort());
    expect(stats).toMatchObject({ messages: 2, pagesWritten: 2, labelsAdded: 2 });
    expect(s.ownership.get(a)?.labels).toEqual(['kafka']);
  });

  it('writes only the newest of several versions of a page that arrive together', async () => {
    const s = setup();
    const [a] = s.pageIds;
    const stats = await run(
      [message(a, 1, ['one']), message(a, 2, ['two']), message(a, 3, ['three'])],
      s.ports,
    );
    expect(s.finished).toHaveLength(3);
    expect(stats.superseded).toBe(2);
    const labels = s.sim
      .page(a)
      ?.labels.filter((l) => l.addedBy === 'api')
      .map((l) => l.name);
    expect(labels).toEqual(['three']);
    expect(s.sim.stats().labelWrites).toBe(1);
  });

  it('dead-letters a message that is not a TagRecord and a page that is gone, and finishes them', async () => {
    const s = setup();
    s.sim.purgePage(s.pageIds[2]);
    const bad: LabelMessage = {
      ...message('x', 1, []),
      target: new TagspaceError('invalid_event', 'value is not a TagRecord'),
    };
    const gone = message(s.pageIds[2], 1, ['x']);
    // A call that succeeds first proves the credentials, so the 404 reads as a gone page.
    const ok = message(s.pageIds[0], 1, ['ok']);
    await run([ok], s.ports);
    const stats = await run([bad, gone], s.ports);
    expect(stats.deadLettered).toBe(2);
    expect(s.dead.map(([, e]) => e.kind).sort()).toEqual(['invalid_event', 'not_found']);
    expect(s.finished).toContain(gone.delivery.offset);
  });

  it('in a dry run plans but writes no label and records no ownership', async () => {
    const s = setup();
    const stats = await run([message(s.pageIds[0], 1, ['kafka'])], s.ports, true);
    expect(s.sim.stats().labelWrites).toBe(0);
    expect(s.recorded).toEqual([]);
    expect(stats.synced).toBe(1);
  });

  it('ends with the error when the credentials are refused, finishing nothing', async () => {
    const s = setup();
    s.ports.api = simApi(s.sim, 'wrong-token');
    await expect(run([message(s.pageIds[0], 1, ['kafka'])], s.ports)).rejects.toMatchObject({ kind: 'auth' });
    expect(s.finished).toEqual([]);
  });
});
