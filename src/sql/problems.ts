// Errors of a SQL compile: every problem carries the line and column (1-based) of the user's text.
// Compiling goes on after a problem where it can (the next statement, the next select item), so
// one submit shows several mistakes; ValidationError carries them all in `details`.

import { ValidationError } from '../errors.js';
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

  toError(): ValidationError {
    const sorted = [...this.list].sort((a, b) => a.line - b.line || a.column - b.column);
    const shown = sorted.slice(0, 3).map((d) => `line ${d.line}, column ${d.column}: ${d.message}`);
    const more = sorted.length > 3 ? `; and ${sorted.length - 3} more` : '';
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    return new ValidationError(`invalid query (${count}): ${shown.join('; ')}${more}`, sorted.map((d) => ({ ...d })));
  }
}
