import type { Context, SQSEvent } from 'aws-lambda';
import { readConfig } from '../core/config.js';
import { createLogger } from '../core/runtime/logger.js';
import type { Ports } from '../core/runtime/ports.js';
import { queueHandler, type Stage } from '../core/runtime/queue-handler.js';
import { createPorts } from './create-ports.js';

let ports: Promise<Ports> | undefined;

/** Ports built once per Lambda container from its environment (DATABASE_URL is required there). */
export function portsFromEnvironment(): Promise<Ports> {
  ports ??= (async () => {
    const config = readConfig();
    const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
    return createPorts(config, { databaseUrl: config.databaseUrl, publicUrl, logger: createLogger(config.logLevel) });
  })();
  return ports;
}

/** A stage as a Lambda SQS handler. */
export function lambdaQueueEntry<Job>(stage: Stage<Job>) {
  let handler: ReturnType<typeof queueHandler<Job>> | undefined;
  return async (event: SQSEvent, context: Context) => {
    handler ??= queueHandler(stage, await portsFromEnvironment());
    return handler(event, context);
  };
}
