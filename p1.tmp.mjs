import { parse } from 'sql-parser-cst';
const q = process.argv[2];
try {
const r = parse(q, { dialect: 'postgresql', includeRange: true });
console.log(JSON.stringify(r, (k, v) => k === 'range' ? `${v[0]}-${v[1]}` : v, 1));
} catch (e) { console.log('ERR', e.message); }
