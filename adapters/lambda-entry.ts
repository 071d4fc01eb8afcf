import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import { readConfig } from '../core/config.js';
import { createLogger } from '../core/runtime/logger.js';
import type { Ports } from '../core/runtime/ports.js';
import { queueHandler, type Stage } from '../core/runtime/queue-handler.js';
import { createPorts } from './create-ports.js';

let ports: Promise<Ports & { logger: PowertoolsLogger }> | undefined;

/** Ports built once per Lambda container from its environment. */
export function portsFromEnvironment(): Promise<Ports & { logger: PowertoolsLogger }> {
  ports ??= (async () => {
    const config = readConfig();
    const logger = createLogger(config.logLevel);
    const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
    return { ...(await createPorts(config, { databaseUrl: config.databaseUrl, publicUrl, logger })), logger };
  })();
  return ports;
}

/**
 * A Lambda entry: ports from the environment, and Powertools' context on every log line
 * (function name, request id, cold start, and a correlation id where the event has one).
 */
export function lambdaEntry<Event, Result>(
  build: (ports: Ports) => (event: Event, context: Context) => Promise<Result>,
  correlationIdPath?: string,
) {
  let handler: ((event: Event, context: Context) => Promise<Result>) | undefined;
  return async (event: Event, context: Context): Promise<Result> => {
    if (!handler) {
      const p = await portsFromEnvironment();
      handler = middy(build(p)).use(injectLambdaContext(p.logger, { resetKeys: true, correlationIdPath })) as unknown as typeof handler;
    }
    return handler!(event, context);
  };
}

/** A stage as a Lambda SQS handler (partial batch failures; each record's messageId in its logs). */
export function lambdaQueueEntry<Job>(stage: Stage<Job>) {
  return lambdaEntry<SQSEvent, Awaited<ReturnType<ReturnType<typeof queueHandler<Job>>>>>((p) => queueHandler(stage, p));
}
