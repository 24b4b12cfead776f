/** One value of a metric, with the labels that tell it apart from the metric's other values. */
export interface LabelledValue {
  value: number;
  labels: Record<string, string>;
}

/**
 * A number a component already keeps, read when Prometheus scrapes: a counter (it only grows;
 * served with `_total`) or a gauge. `read` gives one value, one per label set, or undefined while
 * there is none yet. The component keeps counting as it does; nothing is metered twice.
 */
export interface MetricSource {
  /** The OpenTelemetry name, dotted: tagspace.ingest.polls → tagspace_ingest_polls_total. */
  name: string;
  description: string;
  kind: 'counter' | 'gauge';
  read: () => number | undefined | readonly LabelledValue[];
}
