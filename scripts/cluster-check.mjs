// The cluster demo's check (scripts/cluster-demo.sh CHECK=1): a report made
// through server A reaches the grid worker's live stream on server B, and
// nginx spreads requests over both. Usage: node cluster-check.mjs A B PROXY
const [a, b, proxy] = process.argv.slice(2);
const PASSWORD = 'demo1234';
const WORKER = '13800000005';
const RESIDENT = '13800000011';

async function signIn(base, phone) {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ phone, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in ${phone} on ${base}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function call(base, cookie, name, body) {
  const res = await fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${name} on ${base}: ${res.status} ${text}`);
  return JSON.parse(text);
}

const worker = await signIn(b, WORKER);
const stream = await fetch(`${b}/api/v1/stream`, { headers: { cookie: worker } });
if (!stream.ok) throw new Error(`stream on B: ${stream.status}`);
const reader = stream.body.getReader();

const resident = await signIn(a, RESIDENT);
const categories = await call(a, resident, 'case_categories', {});
const category = categories.find((c) => c.parent_id !== null).id;
const sent = performance.now();
const kase = await call(a, resident, 'report_case', {
  case: {
    category_id: category, description: '集群演示：楼道灯坏了', lat: 36.6372, lng: 117.0135,
    public: false, source: 'resident', contact_phone: null,
  },
});
const needle = `"case_id":${kase.id}`;
let text = '';
const deadline = Date.now() + 5000;
while (!text.includes(needle)) {
  const left = deadline - Date.now();
  if (left <= 0) throw new Error(`case ${kase.id} did not reach server B's stream within 5 s`);
  const chunk = await Promise.race([reader.read(), new Promise((r) => setTimeout(() => r(null), left))]);
  if (!chunk) continue;
  if (chunk.done) throw new Error('server B closed the stream');
  text += new TextDecoder().decode(chunk.value);
}
console.log(`case ${kase.id} reported through A reached the stream on B in ${(performance.now() - sent).toFixed(1)} ms`);
reader.cancel();

const upstreams = new Set();
for (let i = 0; i < 8; i++) {
  const res = await fetch(`${proxy}/healthz`);
  // After a failed try nginx names both ("A, B"): only clean answers count.
  const one = res.headers.get('x-gridlink-upstream') || '';
  if (res.ok && !one.includes(',')) upstreams.add(one);
}
console.log(`nginx sent 8 requests to: ${[...upstreams].join(', ')}`);
if (!upstreams.has('127.0.0.1:3001') || !upstreams.has('127.0.0.1:3002')) {
  throw new Error('nginx did not serve from both servers');
}
