import fs from 'fs';
const t = JSON.parse(fs.readFileSync('/tmp/trace.json'));
const ev = t.traceEvents;
const tasks = ev.filter(e => e.name === 'RunTask' && e.dur > 200000);
for (const task of tasks) {
  const inside = ev.filter(e => e.tid === task.tid && e.pid === task.pid && e.ts >= task.ts && e.ts <= task.ts + task.dur && e !== task);
  const agg = new Map();
  for (const e of inside) { const k = e.ph + ' ' + e.name; const a = agg.get(k) || [0,0]; a[0] += e.dur||0; a[1]++; agg.set(k, a); }
  for (const [k,[d,n]] of [...agg].sort((a,b)=>b[1][0]-a[1][0]).slice(0,40)) console.log('   ', (d/1000).toFixed(1).padStart(7), 'ms x', n, k);
}
