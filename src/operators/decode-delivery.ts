import { asTagspaceError } from '../model/errors.js';
import { decodePageEvent } from '../model/page-event.js';
import type { Delivery, Outcome, PageWork } from '../model/work.js';
import { toPageWork, type PageWorkOptions } from '../model/page-work.js';

/**
 * Bytes → PageWork, or a dead letter saying why not. Undecodable and schema-invalid events are
 * faults of the event: they go to the dead-letter topic with 0 attempts, and the run goes on.
 * Anything else thrown here is a bug and is rethrown.
 */
export function decodeDelivery(delivery: Delivery, opts: PageWorkOptions): PageWork | Outcome {
  try {
    return toPageWork(decodePageEvent(delivery.value), delivery, opts);
  } catch (err) {
    const error = asTagspaceError(err);
    if (error.kind !== 'decode' && error.kind !== 'invalid_event') throw error;
    return { kind: 'dead_letter', delivery, error, attempts: 0 };
  }
}

export function isPageWork(value: PageWork | Outcome): value is PageWork {
  return 'event' in value;
}
