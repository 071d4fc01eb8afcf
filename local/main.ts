import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * `npm start`: runs the Shoebox server (local/server.ts) as a child process and starts it again
 * whenever it dies — a crash, an out-of-memory kill — after a short pause that grows while it
 * keeps dying (1 s, 2 s, 4 s … 30 s) and resets once it has stayed up a minute. The queues live in
 * the database, so the jobs it was doing resume in the new process. SIGINT/SIGTERM stop both.
 */
const SERVER = path.join(import.meta.dirname, 'server.ts');
const HEALTHY_MS = 60_000;
const MAX_PAUSE_MS = 30_000;

let child: ChildProcess | undefined;
let stopping = false;
let pauseMs = 1000;

function start(): void {
  const startedAt = Date.now();
  child = fork(SERVER, process.argv.slice(2), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  child.once('exit', (code, signal) => {
    child = undefined;
    if (stopping) process.exit(code ?? 0);
    if (Date.now() - startedAt > HEALTHY_MS) pauseMs = 1000;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    console.error(`${new Date().toISOString()} Shoebox ${how}; starting it again in ${pauseMs / 1000} s`);
    setTimeout(start, pauseMs);
    pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (!child) process.exit(0);
    stopping = true;
    child.kill(signal);
  });
}
start();
