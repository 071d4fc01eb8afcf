import { readConfig } from '../core/config.js';
import { createLogger } from '../core/runtime/logger.js';
import { startLocalRuntime } from './runtime.js';

// `npm start`: Shoebox on this machine, data under ./data, at http://localhost:2283.
const config = readConfig();
const logger = createLogger(config.logLevel);
const runtime = await startLocalRuntime(config, logger);
console.log(`Shoebox is ready at ${config.publicUrl ?? runtime.url} (data in ${config.dataDir})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
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
  });
}
