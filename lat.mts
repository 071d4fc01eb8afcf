import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { apiClient } from './test/test-runtime.js';
const port = 23457; const url = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'local/main.ts'], { stdio: 'ignore', env: { ...process.env, SHOEBOX_DATA: '/tmp/rss', SHOEBOX_PORT: String(port), SHOEBOX_HOST: '127.0.0.1', SHOEBOX_LOG_LEVEL: 'ERROR' } });
for (;;) { if ((await fetch(`${url}/api/server/ping`).catch(() => undefined))?.ok) break; await new Promise((r) => setTimeout(r, 100)); }
const api = apiClient(url);
const admin = await api.signUpAdmin('l@example.com', 'pw-pw-pw-pw');
for (const round of [1, 2]) {
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < 100; i++) { const s = performance.now(); await api.call('POST', '/uploads', { key: admin.apiKey, body: { fileName: 'a.jpg', size: 1000, checksum: randomBytes(20).toString('hex') } }); lat.push(performance.now() - s); } }));
  lat.sort((a, b) => a - b);
  console.log('round', round, 'p50', lat[500]!.toFixed(1), 'p95', lat[950]!.toFixed(1), 'req/s', (1000 / ((performance.now() - t0) / 1000)).toFixed(0));
}
const s = performance.now(); for (let i = 0; i < 100; i++) await api.call('POST', '/uploads', { key: admin.apiKey, body: { fileName: 'a.jpg', size: 1000, checksum: randomBytes(20).toString('hex') } }); console.log('serial avg', ((performance.now() - s) / 100).toFixed(2));
const s2 = performance.now(); for (let i = 0; i < 100; i++) await api.call('GET', '/server/ping'); console.log('ping avg', ((performance.now() - s2) / 100).toFixed(2));
child.kill('SIGINT'); await new Promise((r) => child.once('exit', r));
