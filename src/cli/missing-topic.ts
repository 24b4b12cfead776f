import { TagspaceError } from '../model/errors.js';
import { editDistance } from './edit-distance.js';

/** What a bounded command would have read from the topic, and the setting that named it. */
export interface TopicUse {
  /** "nothing to <verb>": replay, write back. */
  verb: string;
  flag: string;
  env: string;
}

const REPLAY: TopicUse = { verb: 'replay', flag: '--topic', env: 'TAGSPACE_TOPIC' };

/**
 * A bounded command's input topic that is not on the cluster (replay's events, labels
 * --until-end's tags): a misspelt name, most likely. Creating it would read an empty topic and
 * report nothing done as a success. The topic it most likely meant:
 *
 *   meant(t) = argmin over the cluster's topics u (Kafka's own `__…` left out) of d(t, u),
 *              kept when d ≤ max(1, ⌊|t| / 4⌋)        d = edit distance (edit-distance.ts)
 */
export function missingTopicError(
  topic: string,
  existing: readonly string[],
  use: TopicUse = REPLAY,
): TagspaceError {
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
    `topic ${topic} does not exist, so there is nothing to ${use.verb} (${use.flag} or ${use.env})` +
      (meant === undefined ? '' : `; did you mean ${meant}?`),
    { setting: use.env },
  );
}
