import type { Meter } from '@opentelemetry/api';
import type { MetricSource } from './metric-source.js';

/** Registers each source as an observable counter or gauge of `meter`, read at every scrape. */
export function registerSources(meter: Meter, sources: readonly MetricSource[]): void {
  for (const { name, description, kind, read } of sources) {
    const instrument =
      kind === 'counter'
        ? meter.createObservableCounter(name, { description })
        : meter.createObservableGauge(name, { description });
    instrument.addCallback((r) => {
      const values = read();
      if (values === undefined) return;
      if (typeof values === 'number') r.observe(values);
      else for (const { value, labels } of values) r.observe(value, labels);
    });
  }
}
