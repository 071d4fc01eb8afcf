import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { apiClient, type TestUser } from './test-runtime.js';
import { findTestTool, testToolMissing } from './tools/test-tools.js';

// Property-based fuzzing of the whole HTTP API from its own OpenAPI document, with Schemathesis
// (a test tool npm test installs into .venv/): every operation gets generated and mutated
// bodies, parameters and headers as an admin; no answer may be a 5xx, and the process must
// still be running at the end. Bounded in time; the seed makes a failure reproducible
// (SHOEBOX_FUZZ_SEED and SHOEBOX_FUZZ_SECONDS change them).
const missing = testToolMissing('schemathesis', "pip install 'schemathesis'");
const SEED = process.env.SHOEBOX_FUZZ_SEED ?? '20261201';
const SECONDS = process.env.SHOEBOX_FUZZ_SECONDS ?? '90';

describe.skipIf(missing)(`fuzzing the API from /api/spec.json${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let dir: string;
  let server: ServerProcess;
  let admin: TestUser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-fuzz-'));
    server = await startServerProcess(dir);
    admin = await apiClient(server.url).signUpAdmin();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`finds no server error in ${SECONDS} s of generated requests (seed ${SEED})`, { timeout: (Number(SECONDS) + 120) * 1000 }, async () => {
    const args = [
      'run',
      `${server.url}/api/spec.json`,
      '--url',
      server.url,
      '-H',
      `x-api-key: ${admin.apiKey}`,
      '--checks',
      'not_a_server_error',
      '--seed',
      SEED,
      '--max-examples',
      '20',
      '--max-time',
      SECONDS,
      '--workers',
      '2',
      '--generation-allow-x00',
      'true',
      // Logging out would end the fuzzer's own session; changing the ML models makes smart
      // search answer 503 "model not downloaded" by design; so does maintenance mode for every route.
      '--exclude-path',
      '/api/auth/logout',
      '--exclude-path',
      '/api/admin/maintenance',
      '--exclude-path',
      '/api/system-config',
      '--exclude-path',
      '/api/search/smart',
    ];
    const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(findTestTool('schemathesis')!, args, { env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: '' } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk));
      child.on('close', (code) => resolve({ code, output }));
    });
    const summary = run.output.slice(run.output.lastIndexOf('SUMMARY'));
    console.log(`schemathesis (seed ${SEED}): ${/Test cases:\s*\n\s*(.*)/.exec(summary)?.[1] ?? 'no summary'}`);
    expect(run.output, run.output.slice(-6000)).not.toMatch(/ST101 Server error/);
    expect(run.output).toMatch(/Test cases:/);
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/api/server/ping`)).status).toBe(200);
  });
});
