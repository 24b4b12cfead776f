import { describe, expect, it } from 'vitest';
import type { LabelOwnership } from '../../src/confluence/label-ownership.js';
import { syncPageLabels, type LabelResult } from '../../src/confluence/label-writer.js';
import { createConfluenceSim } from '../../src/sim/confluence/confluence-sim.js';
import { simApi } from './sim-client.js';

const now = () => Date.parse('2026-05-04T10:00:00Z');

function wiki() {
  const sim = createConfluenceSim();
  sim.seedSpace({ key: 'DEV', pages: 1 });
  const page = sim.createPage({
    spaceKey: 'DEV',
    title: 'Kafka runbook',
    body: '<p>x</p>',
    labels: ['draft'],
  });
  return { sim, api: simApi(sim), id: page.id };
}

const labelsOf = (sim: ReturnType<typeof createConfluenceSim>, id: string) =>
  Object.fromEntries(sim.page(id)?.labels.map((l) => [l.name, l.addedBy]) ?? []);

function ownershipOf(r: LabelResult): LabelOwnership | null | undefined {
  return r.kind === 'synced' ? r.ownership : undefined;
}

describe('syncPageLabels against the simulator', () => {
  it('adds the tags in one write and keeps the person’s labels, claiming none of them', async () => {
    const { sim, api, id } = wiki();
    sim.addLabel(id, 'kafka');
    const r = await syncPageLabels(
      api,
      undefined,
      { pageId: id, version: 1, tags: ['kafka', 'runbook'] },
      { dryRun: false, now },
    );
    expect(labelsOf(sim, id)).toEqual({ draft: 'person', kafka: 'person', runbook: 'api' });
    expect(ownershipOf(r)).toMatchObject({ labels: ['runbook'], version: 1, tags: ['kafka', 'runbook'] });
    expect(sim.stats().labelWrites).toBe(1);
  });

  it('removes the labels it added and no longer suggests, and never the person’s equal one', async () => {
    const { sim, api, id } = wiki();
    const first = await syncPageLabels(
      api,
      undefined,
      { pageId: id, version: 1, tags: ['runbook', 'oncall'] },
      { dryRun: false, now },
    );
    sim.addLabel(id, 'kafka');
    const second = await syncPageLabels(
      api,
      ownershipOf(first) ?? undefined,
      { pageId: id, version: 2, tags: ['runbook'] },
      { dryRun: false, now },
    );
    expect(labelsOf(sim, id)).toEqual({ draft: 'person', kafka: 'person', runbook: 'api' });
    const tombstone = await syncPageLabels(
      api,
      ownershipOf(second) ?? undefined,
      { pageId: id, version: undefined, tags: undefined },
      { dryRun: false, now },
    );
    expect(labelsOf(sim, id)).toEqual({ draft: 'person', kafka: 'person' });
    expect(ownershipOf(tombstone)).toMatchObject({ labels: [], removed: true });
  });

  it('writes and later removes labels in any script, through the REST paths as Confluence reads them', async () => {
    const { sim, api, id } = wiki();
    const first = await syncPageLabels(
      api,
      undefined,
      { pageId: id, version: 1, tags: ['развертывание', 'デプロイ', 'straße'] },
      { dryRun: false, now },
    );
    expect(labelsOf(sim, id)).toEqual({
      draft: 'person',
      развертывание: 'api',
      デプロイ: 'api',
      straße: 'api',
    });
    await syncPageLabels(
      api,
      ownershipOf(first) ?? undefined,
      { pageId: id, version: 2, tags: ['デプロイ'] },
      { dryRun: false, now },
    );
    expect(labelsOf(sim, id)).toEqual({ draft: 'person', デプロイ: 'api' });
  });

  it('makes no call at all for a record its labels already follow', async () => {
    const { sim, api, id } = wiki();
    const first = await syncPageLabels(
      api,
      undefined,
      { pageId: id, version: 1, tags: ['runbook'] },
      { dryRun: false, now },
    );
    sim.resetStats();
    const again = await syncPageLabels(
      api,
      ownershipOf(first) ?? undefined,
      { pageId: id, version: 1, tags: ['runbook'] },
      { dryRun: false, now },
    );
    expect(again.kind).toBe('settled');
    expect(sim.stats().requests).toBe(0);
  });

  it('writes nothing to a trashed page, and reports a gone page as not_found', async () => {
    const { sim, api, id } = wiki();
    sim.trashPage(id);
    expect(
      (await syncPageLabels(api, undefined, { pageId: id, version: 1, tags: ['x'] }, { dryRun: false, now }))
        .kind,
    ).toBe('trashed');
    sim.purgePage(id);
    await expect(
      syncPageLabels(api, undefined, { pageId: id, version: 1, tags: ['x'] }, { dryRun: false, now }),
    ).rejects.toMatchObject({ kind: 'not_found' });
    expect(sim.stats().labelWrites).toBe(0);
  });

  it('plans without writing in a dry run', async () => {
    const { sim, api, id } = wiki();
    const r = await syncPageLabels(
      api,
      undefined,
      { pageId: id, version: 1, tags: ['runbook'] },
      { dryRun: true, now },
    );
    expect(r).toMatchObject({ kind: 'synced', wrote: false, plan: { add: ['runbook'] } });
    expect(sim.stats().labelWrites).toBe(0);
  });
});
