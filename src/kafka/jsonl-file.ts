import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { Observable, concatMap, from, map, mergeMap, bufferCount, type OperatorFunction } from 'rxjs';
import { encodeTagRecord, parseTagRecord, type TagRecord } from '../model/tag-record.js';
import { deadLetterHeaders } from './dead-letter.js';
import type { Delivery, Outcome } from '../model/work.js';

/**
 * File edges for the embedded default (`demo`): PageEvents from a JSONL file, TagRecords to
 * one. The output file plays the compacted tags topic's part: it is appended to, and read back
 * on the next start to restore the tag state.
 */
export function jsonlDeliveries(path: string): Observable<Delivery> {
  return new Observable<Delivery>((subscriber) => {
    const input = createReadStream(path);
    const lines = createInterface({ input, crlfDelay: Infinity });
    const topic = `file:${basename(path)}`;
    let offset = 0;
    lines.on('line', (line) => {
      const current = offset++;
      if (line.trim() === '') return;
      subscriber.next({
        topic,
        partition: 0,
        offset: String(current),
        key: null,
        value: Buffer.from(line),
        headers: {},
        receivedAt: Date.now(),
      });
    });
    lines.on('close', () => subscriber.complete());
    // readline passes its input's errors on: both are handled, so neither is an unhandled 'error'.
    const fail = (err: Error) => subscriber.error(err);
    input.on('error', fail);
    lines.on('error', fail);
    return () => {
      lines.close();
      input.destroy();
    };
  });
}

/** Appends tagged records and tombstones to `out`, dead letters to `dlqOut`; re-emits once written. */
export function jsonlSink(out: string, dlqOut: string): OperatorFunction<Outcome, Outcome> {
  return (source) =>
    new Observable<Outcome>((subscriber) => {
      const tags = createWriteStream(out, { flags: 'a' });
      // Opened at the first dead letter: a clean run leaves no empty dead-letter file behind.
      let dlq: NodeJS.WritableStream | undefined;
      const write = (stream: NodeJS.WritableStream, text: string) =>
        new Promise<void>((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
      const sub = source
        .pipe(
          bufferCount(100),
          concatMap((batch) => from(writeBatch(batch)).pipe(map(() => batch))),
          mergeMap((batch) => batch),
        )
        .subscribe(subscriber);
      async function writeBatch(batch: Outcome[]): Promise<void> {
        let tagLines = '';
        let dlqLines = '';
        for (const o of batch) {
          if (o.kind === 'tagged') tagLines += `${encodeTagRecord(o.record).toString()}\n`;
          else if (o.kind === 'tombstone')
            tagLines += `${JSON.stringify({ pageId: o.pageId, removed: true })}\n`;
          else if (o.kind === 'dead_letter') {
            const value = o.delivery.value?.toString('utf8') ?? null;
            dlqLines += `${JSON.stringify({ headers: deadLetterHeaders(o), value })}\n`;
          }
        }
        if (tagLines !== '') await write(tags, tagLines);
        if (dlqLines !== '') await write((dlq ??= createWriteStream(dlqOut, { flags: 'a' })), dlqLines);
      }
      return () => {
        sub.unsubscribe();
        tags.end();
        dlq?.end();
      };
    });
}

/** Reads a previous demo output: the last record of each page, tombstones applied. */
export async function readTagFile(
  path: string,
  onRecord: (record: TagRecord) => void,
  onRemoved: (pageId: string) => void,
): Promise<number> {
  if (!existsSync(path)) return 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let count = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseTagRecord(Buffer.from(line));
    if (record !== undefined) {
      onRecord(record);
      count++;
      continue;
    }
    try {
      const removed = JSON.parse(line) as { pageId?: unknown; removed?: unknown };
      if (removed.removed === true && typeof removed.pageId === 'string') onRemoved(removed.pageId);
    } catch {
      // a torn last line from an interrupted run: ignore it
    }
  }
  return count;
}
