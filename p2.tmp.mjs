import { parse } from 'sql-parser-cst';
const q = process.argv[2];
function dump(n, ind, key) {
  if (n === null || n === undefined) return;
  if (Array.isArray(n)) { n.forEach((x, i) => dump(x, ind, `${key}[${i}]`)); return; }
  if (typeof n !== 'object') { return; }
  const extra = n.type === 'keyword' ? ` ${n.name}` : n.type === 'identifier' ? ` ${n.name}` : n.text && !n.type.endsWith('stmt') && n.type.endsWith('literal') ? ` ${n.text}` : '';
  console.log(`${ind}${key}: ${n.type}${extra} [${n.range}]`);
  if (n.type === 'keyword' || n.type === 'identifier') return;
  for (const [k, v] of Object.entries(n)) if (k !== 'type' && k !== 'range' && typeof v === 'object') dump(v, ind + '  ', k);
}
try { dump(parse(q, { dialect: 'postgresql', includeRange: true }), '', 'root'); } catch (e) { console.log('ERR', e.message); }
