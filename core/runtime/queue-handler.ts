import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueName } from '../ports/queue.js';
import type { Ports } from './ports.js';

export interface Stage<Job> {
  /** The queue it reads, which also names it. */
  name: QueueName;
  /** One SQS record body to the jobs it carries (an S3 event may carry several objects). Throws on a malformed body. */
  parse(body: string): Job[];
  /** Same key = same work: a job whose key has completed is skipped (at-least-once delivery). */
  idempotencyKey(job: Job): string;
  run(job: Job, ports: Ports): Promise<void>;
  /**
   * The job's last try failed and it goes to the dead letters: say so where a user looks (the
   * asset is marked failed with the reason), so nothing waits on it forever.
   */
  giveUp?(job: Job, reason: string, ports: Ports): Promise<void>;
}

/** A failure as reported to the caller; Lambda reads only itemIdentifier, the local runtime keeps the reason. */
export type StageItemFailure = SQSBatchItemFailure & { reason: string };

type IdempotencyRecord = { status: 'in_progress' | 'completed' };
const COMPLETED_TTL_SECONDS = 7 * 24 * 3600;

export class JobInProgress extends Error {}

/**
 * The one place where a queue stage is wired: middy, zod parsing of each message,
 * idempotency records and SQS partial batch failures. A throw fails only its own message.
 */
export function queueHandler<Job>(stage: Stage<Job>, ports: Ports) {
  const { logger, kv, config } = ports;

  async function runOnce(job: Job): Promise<void> {
    const key = `${stage.name}:${stage.idempotencyKey(job)}`;
    // The claim ends just before the message's visibility timeout: a worker killed mid-job
    // has released it by the time the message reappears for another worker.
    const claimSeconds = Math.max(1, config.visibilityTimeoutSeconds - 1);
    if (!(await kv.putIfAbsent(key, { status: 'in_progress' }, claimSeconds))) {
      const existing = await kv.get<IdempotencyRecord>(key);
      if (existing?.status === 'completed') return;
      if (existing) throw new JobInProgress(`${key} is being processed by another worker`);
      // It expired between the two calls: let the queue deliver it again.
      throw new JobInProgress(`${key} was released while being claimed; retrying`);
    }
    try {
      await stage.run(job, ports);
    } catch (error) {
      await kv.delete(key);
      throw error;
    }
    await kv.put(key, { status: 'completed' }, COMPLETED_TTL_SECONDS);
  }

  async function giveUp(record: SQSRecord, reason: string): Promise<void> {
    if (!stage.giveUp) return;
    try {
      for (const job of stage.parse(record.body)) await stage.giveUp(job, `${stage.name} gave up after ${config.maxReceives} tries: ${reason}`, ports);
    } catch (error) {
      logger.warn('could not mark the job given up', { messageId: record.messageId, error: (error as Error).message });
    }
  }

  async function processRecord(record: SQSRecord): Promise<void> {
    for (const job of stage.parse(record.body)) await runOnce(job);
  }

  const base = async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: StageItemFailure[] = [];
    for (const record of event.Records) {
      try {
        await processRecord(record);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // Another worker holding the same job is at-least-once delivery at work, not a fault.
        if (error instanceof JobInProgress) logger.info(`${stage.name} deferred`, { messageId: record.messageId, reason });
        else logger.error(`${stage.name} failed`, { messageId: record.messageId, reason, stack: (error as Error)?.stack });
        batchItemFailures.push({ itemIdentifier: record.messageId, reason });
        if (!(error instanceof JobInProgress) && Number(record.attributes?.ApproximateReceiveCount ?? 1) >= config.maxReceives) await giveUp(record, reason);
        // Kept with the message, so a dead letter says why (SQS keeps it beside, in the key-value store).
        await ports.queue.noteFailure(stage.name, record.messageId, reason).catch((noteError: Error) =>
          logger.warn('could not keep the failure reason', { messageId: record.messageId, error: noteError.message }),
        );
      }
    }
    return { batchItemFailures };
  };
  return middy<SQSEvent, SQSBatchResponse>(base);
}
