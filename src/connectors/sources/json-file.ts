// The `json_file` source: a bounded file of JSON lines (one record per line), for tests and
// examples. Every subtask reads the whole file and keeps lines n ≡ i (mod N) (n counts lines from
// 0), so a subtask's input is fixed by line number alone, as with jetstream's sequences. Blank
// lines are skipped silently (a trailing newline is not a record); a line that does not decode is
// reported through ctx.reportBadRecord and skipped. The file is read in chunks, and not read on
// while an emit waits, so a slow downstream holds the reader back.
//
// Position: `{ next, prior? }` (progress.ts, key = line number): every line of this subtask's
// share below `next` was emitted, reported bad or skipped, plus what `prior` claims above it.
// Restored at another parallelism, subtask j of M reads on from the lowest old bound and keeps
// each line n ≡ j (mod M) the old run did not handle.

import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import { ValidationError } from '../../errors.js';
import type { JsonFileSourceConfig, Schema } from '../../types.js';
import { JsonBatchAssembler } from '../json-assembler.js';
import { JsonLoopSource } from '../json-source.js';
import { Resume, toWire } from '../progress.js';
import type { SourceContext, SourcePosition, SourceRestore } from '../types.js';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const CR = 0x0d;

export class JsonFileSource extends JsonLoopSource {
  readonly schema: Schema;
  private ctx: SourceContext | null = null;
  private stream: ReadStream | null = null;
  private readonly resume: Resume | null;

  constructor(
    private readonly config: JsonFileSourceConfig,
    restore?: SourceRestore,
  ) {
    super();
    this.schema = config.schema;
    this.resume = restore ? new Resume(restore, 'next', 0) : null;
  }

  /** `{ next, prior? }`: next = lines handled (see above); before start() the restore's floor. */
  position(): SourcePosition {
    const next = this.assembler?.position ?? this.resume?.floor ?? 0;
    const ctx = this.ctx;
    return toWire({ bound: next, prior: this.resume?.priorFor(next, ctx?.subtaskIndex, ctx?.parallelism) }, 'next');
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.stopping) return;
    this.ctx = ctx;
    const { path } = this.config;
    try {
      await access(path, constants.R_OK);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
      throw new ValidationError(`json_file source: file ${JSON.stringify(path)} ${reason}`, [{ field: 'config.path', message: `file ${reason}` }], err);
    }
    this.assembler = new JsonBatchAssembler(this.schema, ctx, (err) => this.fail(err), this.resume?.floor ?? 0);
    this.stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    this.launch(ctx);
  }

  protected async read(): Promise<void> {
    const assembler = this.assembler!;
    const { parallelism, subtaskIndex } = this.ctx!;
    const resume = this.resume;
    const floor = resume?.floor ?? 0;
    let line = 0; // number of the next line to complete
    let carry: Buffer | null = null; // the start of a line split across chunks
    /** Takes one line; returns the emit to await when it completed a batch (no await per line). */
    const handle = (bytes: Uint8Array): Promise<void> | null => {
      const n = line++;
      // Below the floor every line is done; otherwise another subtask's or one the old run handled.
      if (n < floor) return null;
      if (n % parallelism !== subtaskIndex || (resume !== null && resume.done(n)) || isBlank(bytes)) {
        assembler.skip(n + 1);
        return null;
      }
      return assembler.add(bytes, n + 1);
    };
    try {
      for await (const chunk of this.stream! as AsyncIterable<Buffer>) {
        if (this.stopping) return;
        let from = 0;
        for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, from)) {
          const piece = chunk.subarray(from, i);
          const bytes = carry ? Buffer.concat([carry, piece]) : piece;
          carry = null;
          from = i + 1;
          const full = handle(trimCr(bytes));
          if (full) await full;
          if (this.stopping) return;
        }
        if (from < chunk.length) carry = carry ? Buffer.concat([carry, chunk.subarray(from)]) : Buffer.from(chunk.subarray(from));
      }
    } catch (err) {
      // interrupt() destroys the stream to stop a read in progress: that is no failure.
      if (this.stopping) return;
      throw err;
    }
    if (carry && !this.stopping) await handle(trimCr(carry));
    if (!this.stopping) await assembler.flush();
  }

  protected interrupt(): void {
    this.stream?.destroy();
  }

  protected inputEnded(): void {
    this.finish();
  }
}

function trimCr(bytes: Uint8Array): Uint8Array {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
}

function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09) return false;
  }
  return true;
}
