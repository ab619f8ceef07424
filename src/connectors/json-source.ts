// A LoopSource that decodes JSON messages through a JsonBatchAssembler: the buffering and the
// drain/discard behaviour on stop are the assembler's.

import type { JsonBatchAssembler } from './json-assembler.js';
import { LoopSource } from './source-lifecycle.js';

export abstract class JsonLoopSource extends LoopSource {
  protected assembler: JsonBatchAssembler | null = null;

  override get bufferedRows(): number {
    return this.assembler?.buffered ?? 0;
  }

  protected override drainPending(): Promise<void> {
    return this.assembler?.flush() ?? Promise.resolve();
  }

  protected override discardPending(): void {
    this.assembler?.discard();
  }
}
