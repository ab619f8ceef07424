// The column list of CREATE TABLE, before parsing: WATERMARK FOR items are cut out (the parser
// rejects them; catalog/watermark.ts reads them) and column names are quoted, so reserved words
// (`user`, `end`, `timestamp`) can name columns.

import { isWord, type Token } from './lexer.js';
import type { WatermarkClause } from './prepare.js';
import type { Edit } from './text-map.js';

const NOT_A_COLUMN = ['watermark', 'constraint', 'primary', 'unique', 'check', 'foreign', 'exclude', 'like'];

/**
 * Finds WATERMARK items in the column list `CREATE TABLE name ( ... )` and cuts them out; column
 * names are quoted, so reserved words (`user`, `end`, `timestamp`) can name columns.
 */
export function cutWatermarks(sig: Token[], edits: Edit[], skip: Set<Token>, quotedAt: number[]): WatermarkClause[] {
  const open = sig[3];
  if (!open || open.text !== '(') return [];
  // Items of the list: token index ranges between the commas at depth 1.
  const items: { from: number; to: number }[] = [];
  let depth = 0;
  let itemStart = 4;
  let close = -1;
  for (let i = 3; i < sig.length; i++) {
    const t = sig[i]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) {
        items.push({ from: itemStart, to: i });
        close = i;
        break;
      }
    } else if (t.text === ',' && depth === 1) {
      items.push({ from: itemStart, to: i });
      itemStart = i + 1;
    }
  }
  if (close < 0) return [];
  const isWatermark = (it: { from: number; to: number }) => isWord(sig[it.from], 'watermark');
  const kept = items.filter((it) => !isWatermark(it));
  const out: WatermarkClause[] = [];
  for (const it of kept) {
    const name = sig[it.from];
    if (name?.kind !== 'word' || NOT_A_COLUMN.includes(name.text.toLowerCase())) continue;
    edits.push({ start: name.start, end: name.end, text: `"${name.text}"` });
    quotedAt.push(name.start);
    skip.add(name);
  }
  items.forEach((it, k) => {
    if (!isWatermark(it)) return;
    const tokens = sig.slice(it.from + 1, it.to);
    out.push({ tokens, pos: sig[it.from]!.start });
    for (let i = it.from; i < it.to; i++) skip.add(sig[i]!);
    if (kept.length === 0) return;
    const keptBefore = items.slice(0, k).some((x) => !isWatermark(x));
    // Cut the comma that separates this item from a kept one, so the list stays well formed.
    const start = keptBefore ? sig[it.from - 1]!.start : sig[it.from]!.start;
    const end = keptBefore ? sig[it.to - 1]!.end : sig[it.to]!.end;
    edits.push({ start, end, text: '' });
  });
  if (out.length > 0 && kept.length === 0) edits.push({ start: open.start, end: sig[close]!.end, text: '' });
  return out;
}
