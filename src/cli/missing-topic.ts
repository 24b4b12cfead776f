import { TagspaceError } from '../model/errors.js';
import { editDistance } from './edit-distance.js';

/**
 * A replay's input topic that is not on the cluster: a misspelt --topic, most likely. Creating it
 * would replay an empty topic and report 0 events as a success. The topic it most likely meant:
 *
 *   meant(t) = argmin over the cluster's topics u (Kafka's own `__…` left out) of d(t, u),
 *              kept when d ≤ max(1, ⌊|t| / 4⌋)        d = edit distance (edit-distance.ts)
 */
export function missingTopicError(topic: string, existing: readonly string[]): TagspaceError {
  let best: { name: string; d: number } | undefined;
  for (const name of existing) {
    if (name.startsWith('__')) continue;
    const d = editDistance(topic, name);
    if (best === undefined || d < best.d) best = { name, d };
  }
  const meant =
    best !== undefined && best.d <= Math.max(1, Math.floor(topic.length / 4)) ? best.name : undefined;
  return new TagspaceError(
    'config',
    `topic ${topic} does not exist, so there is nothing to replay (--topic or TAGSPACE_TOPIC)` +
      (meant === undefined ? '' : `; did you mean ${meant}?`),
    { setting: 'TAGSPACE_TOPIC' },
  );
}
