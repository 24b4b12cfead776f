/**
 * K̄: what the provider reports the key holds for us per window (its remaining room read with our
 * own use), per budget. While it shows no room past the level it is the key reported full.
 */
export interface KeyLevel {
  requests?: number;
  tokens?: number;
}
