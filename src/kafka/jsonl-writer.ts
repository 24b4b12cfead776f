import { createWriteStream, type WriteStream } from 'node:fs';
import { TagspaceError } from '../model/errors.js';

/**
 * A JSONL file written a batch at a time (ingest --out): `send` resolves once the batch is handed
 * to the file, `close` once everything is flushed. The file is replaced, as a crawl is whole.
 */
export class JsonlWriter<T> {
  private readonly out: WriteStream;
  private failed: Error | undefined;

  constructor(private readonly path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => (this.failed = err));
  }

  send(items: readonly T[]): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.error(this.failed));
    const text = items.map((i) => `${JSON.stringify(i)}\n`).join('');
    return new Promise((resolve, reject) =>
      this.out.write(text, (err) => (err ? reject(this.error(err)) : resolve())),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.out.end(() => (this.failed === undefined ? resolve() : reject(this.error(this.failed)))),
    );
  }

  private error(err: Error): TagspaceError {
    return new TagspaceError('config', `cannot write --out ${this.path}: ${err.message}`);
  }
}
