import { createHash } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../core/ports/logger.js';
import type { Queue, QueueMessage, QueueName } from '../core/ports/queue.js';
import type { StageItemFailure } from '../core/runtime/queue-handler.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface QueueWorkerOptions {
  queue: Queue;
  /** Emits (queue name, count) when messages are sent in this process, to wake sleeping loops. */
  wake?: EventEmitter;
  name: QueueName;
  handler: SqsHandler;
  concurrency: number;
  visibilityTimeoutSeconds: number;
  retryBaseSeconds: number;
  logger: Logger;
  /** Longest sleep when the queue is empty; a send wakes the worker sooner. */
  idlePollMs?: number;
  /** How many of the `concurrency` slots may be used now (fewer while uploads arrive); all when absent. */
  slotsNow?: () => number;
}

const HELD_BACK_POLL_MS = 200;

export interface QueueWorker {
  /** Stops taking messages and waits for those in hand. */
  stop(): Promise<void>;
}

/**
 * What Lambda's SQS event source does, locally: receive, call the handler with a real
 * SQSEvent, delete what succeeded, and put failures back with exponential backoff.
 */
export function startQueueWorker(opts: QueueWorkerOptions): QueueWorker {
  let stopping = false;
  const wakers = new Set<() => void>();
  const wake = (count: number) => {
    // One sleeping loop per message: waking them all would only send them racing for one.
    for (const waker of [...wakers].slice(0, count)) waker();
  };
  const wakeAll = () => wake(Number.MAX_SAFE_INTEGER);
  opts.wake?.on(opts.name, wake);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  // One receiver fills up to `concurrency` slots: one receive statement fetches as many
  // messages as there are free slots, and each message is handled on its own.
  let inFlight = 0;
  const running = new Set<Promise<void>>();

  async function receiveLoop(): Promise<void> {
    while (!stopping) {
      const slots = Math.min(opts.concurrency, opts.slotsNow?.() ?? opts.concurrency);
      const free = slots - inFlight;
      if (free <= 0) {
        // All slots busy: a finished job wakes us. Held back: look again soon.
        await sleep(slots < opts.concurrency ? HELD_BACK_POLL_MS : (opts.idlePollMs ?? 2000));
        continue;
      }
      let messages: QueueMessage[];
      try {
        messages = await opts.queue.receive(opts.name, { maxMessages: free, visibilityTimeoutSeconds: opts.visibilityTimeoutSeconds });
      } catch (error) {
        if (stopping) return;
        opts.logger.error('queue receive failed', { queue: opts.name, error: (error as Error).message });
        await sleep(1000);
        continue;
      }
      if (messages.length === 0) {
        await sleep(opts.idlePollMs ?? 2000);
        continue;
      }
      for (const message of messages) {
        inFlight++;
        const delivery: Promise<void> = deliver([message])
          // The message stays in the queue and comes back after its visibility timeout.
          .catch((error: Error) => opts.logger.error('queue delivery failed', { queue: opts.name, messageId: message.id, error: error.message }))
          .finally(() => {
            inFlight--;
            running.delete(delivery);
            wakeAll();
          });
        running.add(delivery);
      }
    }
  }

  async function deliver(messages: QueueMessage[]): Promise<void> {
    let failures: StageItemFailure[];
    try {
      const result = await opts.handler(sqsEvent(opts.name, messages), lambdaContext(opts.name));
      failures = (result?.batchItemFailures ?? []) as StageItemFailure[];
    } catch (error) {
      const reason = (error as Error).message;
      failures = messages.map((m) => ({ itemIdentifier: m.id, reason }));
    }
    const failed = new Set(failures.map((f) => f.itemIdentifier));
    for (const message of messages) {
      if (!failed.has(message.id)) {
        await opts.queue.delete(opts.name, message.receiptHandle);
      } else {
        const delay = Math.min(opts.retryBaseSeconds * 2 ** (message.receiveCount - 1), 900);
        await opts.queue.changeVisibility(opts.name, message.receiptHandle, delay);
      }
    }
  }

  const receiver = receiveLoop();
  return {
    async stop() {
      stopping = true;
      opts.wake?.off(opts.name, wake);
      wakeAll();
      await receiver;
      await Promise.all(running);
    },
  };
}

function sqsEvent(name: QueueName, messages: QueueMessage[]): SQSEvent {
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.id,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt.getTime()),
          SenderId: 'shoebox-local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(m.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:shoebox-${name}`,
        awsRegion: 'local',
      }),
    ),
  };
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `shoebox-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:shoebox-${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/shoebox/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
