// Errors of a SQL compile: every problem carries the line and column (1-based) of the user's text.
// Compiling goes on after a problem where it can (the next statement, the next select item), so
// one submit shows several mistakes; ValidationError carries them all in `details`.

import type { PreparedQuery } from './prepare.js';
import { lineColOf } from './text-map.js';

export interface SqlProblem {
  message: string;
  line: number;
  column: number;
}

/** One problem at an offset of the edited query text (PreparedQuery.text). */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly at: number,
    /** True when `at` is an offset of the original text (cut-out WATERMARK clauses). */
    readonly original = false,
  ) {
    super(message);
  }
}

/** Thrown to abandon a statement whose problems are already recorded. */
export class Reported extends Error {
  constructor() {
    super('problems already reported');
  }
}

export class Problems {
  readonly list: SqlProblem[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly query: PreparedQuery) {}

  add(message: string, at: number, original = false): void {
    const { line, column } = original ? lineColOf(this.query.map.original, at) : this.query.map.lineCol(at);
    const key = `${line}:${column}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ message, line, column });
  }

  get size(): number {
    return this.list.length;
  }

  /** Runs `step`; a SqlError becomes a recorded problem (undefined returned), Reported just undefined. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (err) {
      if (err instanceof SqlError) this.add(err.message, err.at, err.original);
      else if (!(err instanceof Reported)) throw err;
      return undefined;
    }
  }

  /** Throws Reported when problems were added since `before`. */
  check(before: number): void {
    if (this.size > before) throw new Reported();
  }
}
