import { readConfig } from '../core/config.js';
import { createLogger } from '../core/runtime/logger.js';
import { startLocalRuntime } from './runtime.js';

// One Shoebox server process: data under ./data, at http://localhost:2283. `npm start` runs it
// under local/main.ts, which restarts it when it dies.
const config = readConfig();
const logger = createLogger(config.logLevel);

// A rejected promise nobody awaited is a bug in one request or job, not in the process: say it, go on.
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled promise rejection (a bug; the server goes on)', { error: String((reason as Error)?.stack ?? reason) });
});
// A thrown exception nobody caught leaves the process in an unknown state: say why and exit,
// and the supervisor starts a fresh one (the queues are in the database; unfinished jobs resume).
// Said on stderr, whatever the log level: a crash's cause must never be silenced.
process.on('uncaughtException', (error) => {
  console.error(`Shoebox crashed (the supervisor restarts it): ${error.stack ?? error}`);
  process.exit(70);
});

const runtime = await startLocalRuntime(config, logger);
console.log(`Shoebox is ready at ${config.publicUrl ?? runtime.url} (data in ${config.dataDir})`);

let stopping = false;
const stop = () => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log('Stopping Shoebox… (again to force)');
  runtime.stop().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
// Started by the supervisor: when it goes (even killed outright), this process goes too.
if (process.send) process.on('disconnect', stop);
