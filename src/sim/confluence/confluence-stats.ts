/**
 * The Confluence simulator's own counts: the referee for the client's tests ("a second labels run
 * makes zero label writes"), independent of anything the client reports.
 *
 *   requests       = Σ byRoute = every request to the REST API, answered or refused
 *   labelWrites    = label add + remove requests that reached their route (past the rate limit,
 *                    authentication and the media-type check), whatever they changed
 *   labelsAdded, labelsRemoved = labels those requests actually changed
 *   authFailures   = requests refused for their credentials (a v2 404 among them)
 *   rateLimited, notFound, badRequest, conflicts = the other answers by status
 *   personLabels   = labels people added through the control API (never counted as writes)
 */
export type RouteKind =
  | 'spaces'
  | 'space-pages'
  | 'pages'
  | 'page'
  | 'page-labels'
  | 'page-properties'
  | 'search'
  | 'space-list'
  | 'space'
  | 'content-list'
  | 'content'
  | 'content-labels'
  | 'label-add'
  | 'label-remove'
  | 'unknown';

export interface PageCounts {
  reads: number;
  labelAdds: number;
  labelRemoves: number;
  labelsAdded: number;
  labelsRemoved: number;
}

export interface WebhookCounts {
  attempts: number;
  delivered: number;
  failed: number;
}

export interface ConfluenceStatsSnapshot {
  uptimeMs: number;
  requests: number;
  byRoute: Partial<Record<RouteKind, number>>;
  rateLimited: number;
  authFailures: number;
  notFound: number;
  badRequest: number;
  conflicts: number;
  labelWrites: number;
  labelsAdded: number;
  labelsRemoved: number;
  personLabels: number;
  webhooks: WebhookCounts;
  /** Per page id; present when asked for. */
  pages?: Record<string, PageCounts>;
}

type Counter = Exclude<keyof ConfluenceStatsSnapshot, 'uptimeMs' | 'byRoute' | 'webhooks' | 'pages'>;

export class ConfluenceStats {
  private counts = fresh();
  private perPage = new Map<string, PageCounts>();

  constructor(
    private readonly startedAt: number,
    private readonly now: () => number,
  ) {}

  request(route: RouteKind): void {
    this.counts.requests++;
    this.counts.byRoute[route] = (this.counts.byRoute[route] ?? 0) + 1;
  }

  count(counter: Counter, by = 1): void {
    this.counts[counter] += by;
  }

  status(status: number): void {
    if (status === 429) this.counts.rateLimited++;
    else if (status === 404) this.counts.notFound++;
    else if (status === 400) this.counts.badRequest++;
    else if (status === 409) this.counts.conflicts++;
  }

  page(pageId: string, counter: keyof PageCounts, by = 1): void {
    let counts = this.perPage.get(pageId);
    if (counts === undefined) {
      counts = { reads: 0, labelAdds: 0, labelRemoves: 0, labelsAdded: 0, labelsRemoved: 0 };
      this.perPage.set(pageId, counts);
    }
    counts[counter] += by;
  }

  webhook(outcome: keyof WebhookCounts): void {
    this.counts.webhooks[outcome]++;
  }

  snapshot(withPages = false): ConfluenceStatsSnapshot {
    const snap: ConfluenceStatsSnapshot = {
      ...this.counts,
      uptimeMs: this.now() - this.startedAt,
      byRoute: { ...this.counts.byRoute },
      webhooks: { ...this.counts.webhooks },
    };
    if (withPages) snap.pages = Object.fromEntries([...this.perPage].map(([id, c]) => [id, { ...c }]));
    return snap;
  }

  reset(): void {
    this.counts = fresh();
    this.perPage = new Map();
  }
}

function fresh(): Omit<ConfluenceStatsSnapshot, 'uptimeMs' | 'pages'> {
  return {
    requests: 0,
    byRoute: {},
    rateLimited: 0,
    authFailures: 0,
    notFound: 0,
    badRequest: 0,
    conflicts: 0,
    labelWrites: 0,
    labelsAdded: 0,
    labelsRemoved: 0,
    personLabels: 0,
    webhooks: { attempts: 0, delivered: 0, failed: 0 },
  };
}
