import { spawn, spawnSync } from 'node:child_process';
import { freePort } from './server-process.js';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** moto's S3/SQS/DynamoDB emulator on a free loopback port (`pip install 'moto[server]'`; .ci/run does). */
export async function startMotoServer(): Promise<MotoServer> {
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).error) {
    throw new Error("moto_server is not installed: run `pip install 'moto[server]'` (the AWS adapter tests need it)");
  }
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
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
