import { spawn } from 'node:child_process';
import { freePort } from './server-process.js';
import { findTestTool, testToolMissing } from './tools/test-tools.js';

/** Why the moto-backed tests cannot run here, or undefined when they can. */
export const motoMissing = (): string | undefined => testToolMissing('moto_server', "pip install 'moto[server]'");

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** moto's S3/SQS/DynamoDB emulator on a free loopback port (test/tools/install-test-tools.mjs puts it in .venv/). */
export async function startMotoServer(): Promise<MotoServer> {
  const moto = findTestTool('moto_server');
  if (!moto) throw new Error(motoMissing());
  const port = await freePort();
  const child = spawn(moto, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${endpoint}/moto-api/`).catch(() => undefined))?.ok) break;
    if (i > 150) throw new Error('moto_server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
