/**
 * A least-recently-used map on a plain Map (whose iteration order is insertion order: a read
 * re-inserts, the first key is the eldest). The version index holds one entry per page of a space,
 * and restoring a space from the tags topic writes each once; this does that several times faster
 * than a general-purpose LRU sized for 100 000 entries.
 */
export class RecencyMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const eldest = this.map.keys().next();
      if (eldest.done !== true) this.map.delete(eldest.value);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
