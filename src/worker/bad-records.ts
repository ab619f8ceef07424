// Logs records that failed to decode without flooding the log: the first few in full, then one
// line per thousand. The count itself is kept in the subtask metrics.

import type { Logger } from 'pino';

const LOG_FIRST = 10;
const PREVIEW_BYTES = 200;

export class BadRecordLog {
  private seen = 0;
  constructor(private readonly log: Logger) {}

  report(reason: string, raw?: Uint8Array): void {
    this.seen++;
    if (this.seen <= LOG_FIRST || this.seen % 1000 === 0) {
      const preview = raw ? Buffer.from(raw.subarray(0, PREVIEW_BYTES)).toString('utf8') : undefined;
      this.log.warn({ reason, record: preview, bad_records: this.seen }, 'record skipped: could not decode');
    }
  }
}
