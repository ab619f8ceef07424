// The small expression AST Rivulet's SQL engine understands. The parser (parse.ts) maps the
// sql-parser-cst tree onto this, so everything downstream sees only the constructs we support.
// `pos`/`end` are 0-based offsets into the user's expression text (for messages).

import type { FieldType } from '../../types.js';

interface Span {
  pos: number;
  end: number;
}

export type Ast =
  | LitAst
  | ColAst
  | UnaryAst
  | BinaryAst
  | InAst
  | BetweenAst
  | LikeAst
  | IsAst
  | CaseAst
  | CastAst
  | CallAst;

export interface LitAst extends Span {
  k: 'lit';
  /** Integer literals are int64, other numbers float64. */
  value: number | string | boolean | null;
  isInt: boolean;
  /** Source spelling of numbers, kept for rendering (`1.50` stays `1.50`). */
  text: string;
  /** An INTERVAL literal (value: int64 milliseconds); `text` is its canonical spelling. */
  interval?: true;
}

export interface ColAst extends Span {
  k: 'col';
  /** The last part of the name (`price` of `bid.price`). */
  name: string;
  /** Quoted identifiers match exactly; unquoted ones case-insensitively. */
  quoted: boolean;
  /** Leading parts of a qualified name (`bid` of `bid.price`); see names.ts. */
  qualifier?: { name: string; quoted: boolean }[];
}

export interface UnaryAst extends Span {
  k: 'unary';
  op: '-' | '+' | 'not';
  arg: Ast;
}

export type ArithOp = '+' | '-' | '*' | '/' | '%';
export type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type BinaryOp = ArithOp | CmpOp | 'and' | 'or' | '||';

export interface BinaryAst extends Span {
  k: 'binary';
  op: BinaryOp;
  left: Ast;
  right: Ast;
}

export interface InAst extends Span {
  k: 'in';
  arg: Ast;
  list: Ast[];
  negated: boolean;
}

export interface BetweenAst extends Span {
  k: 'between';
  arg: Ast;
  low: Ast;
  high: Ast;
  negated: boolean;
}

export interface LikeAst extends Span {
  k: 'like';
  arg: Ast;
  pattern: Ast;
  escape: Ast | null;
  negated: boolean;
  caseInsensitive: boolean;
}

export interface IsAst extends Span {
  k: 'is';
  arg: Ast;
  what: 'null' | 'true' | 'false' | 'unknown';
  negated: boolean;
}

export interface CaseAst extends Span {
  k: 'case';
  /** Present for the simple form `CASE x WHEN v THEN ...`. */
  operand: Ast | null;
  whens: { when: Ast; then: Ast }[];
  otherwise: Ast | null;
}

export interface CastAst extends Span {
  k: 'cast';
  arg: Ast;
  to: FieldType;
  /** Type name as the user should see it again, e.g. `BIGINT`. */
  typeName: string;
}

export interface CallAst extends Span {
  k: 'call';
  /** Lower-cased function name. */
  name: string;
  args: Ast[];
}

/** A compile-time problem at an offset of the user's text; index.ts turns it into a ValidationError. */
export class ExprCompileError extends Error {
  constructor(
    message: string,
    readonly pos: number | undefined,
  ) {
    super(message);
    this.name = 'ExprCompileError';
  }
}
