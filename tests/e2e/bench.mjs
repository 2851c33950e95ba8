// Measures the situation room (a benchmark, not a test): time from navigation to the
// first complete map (map idle with every tile and glyph drawn, dashboard filled) over
// RUNS fresh browser contexts, and the size of the built bundle. Prints JSON.
//   SITROOM_BIN=target/release/sitroom SITROOM_DB=demo.db node tests/e2e/bench.mjs [RUNS]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = resolve(import.meta.dirname, '../../web-map');
const runs = Number(process.argv[2] ?? 5);
const bin = resolve(process.env.SITROOM_BIN ?? join(here, '..', 'target/release/sitroom'));
const db = process.env.SITROOM_DB;
if (!db) throw new Error('set SITROOM_DB to a store holding the demo');
const port = 18000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['--db', db, 'serve', '--bind', `127.0.0.1:${port}`, '--web-dir', join(here, 'dist'), '--rate-limit', '0'], { stdio: 'ignore' });
process.on('exit', () => server.kill('SIGTERM'));
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {
    if (i > 600) throw new Error('server did not start');
  }
  await new Promise((r) => setTimeout(r, 200));
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const times = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.body.dataset.mapIdle === 'true', null, { timeout: 120000 });
  times.push(Date.now() - t0);
  await context.close();
}
await browser.close();
server.kill('SIGTERM');
const assets = join(here, 'dist', 'assets');
let raw = 0;
let gz = 0;
for (const f of readdirSync(assets)) {
  const p = join(assets, f);
  raw += statSync(p).size;
  gz += gzipSync(readFileSync(p)).length;
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ runs, first_complete_map_ms: { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] }, bundle_bytes: raw, bundle_gzip_bytes: gz }));
