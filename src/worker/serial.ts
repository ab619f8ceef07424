// Runs async tasks one at a time, in call order: a source's emits and checkpoint barriers must
// never interleave inside a subtask.

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
