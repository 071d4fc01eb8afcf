import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { KeyValueStore } from '../../core/ports/key-value-store.js';
import type { DeadLetter, Queue, QueueMessage, QueueName, QueueStats } from '../../core/ports/queue.js';

const REASON_TTL_SECONDS = 14 * 24 * 3600; // SQS's longest retention
const SEND_BATCH = 10; // SQS's batch limit

/**
 * The queue port on SQS. Each queue `<prefix><name>` has a dead-letter queue
 * `<prefix><name>-dlq` (its redrive policy, set by the CDK app, holds maxReceiveCount).
 * SQS cannot annotate a message, so failure reasons live in the key-value store.
 */
export class SqsQueue implements Queue {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly prefix: string,
    private readonly reasons: KeyValueStore,
  ) {}

  async send(queue: QueueName, bodies: string[], opts: { delaySeconds?: number } = {}): Promise<void> {
    const url = await this.url(queue);
    for (let start = 0; start < bodies.length; start += SEND_BATCH) {
      const batch = bodies.slice(start, start + SEND_BATCH);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((body, i) => ({ Id: String(i), MessageBody: body, DelaySeconds: opts.delaySeconds })),
        }),
      );
      if (result.Failed?.length) throw new Error(`SQS refused ${result.Failed.length} messages: ${result.Failed[0]!.Message}`);
    }
  }

  async receive(queue: QueueName, opts: { maxMessages: number; visibilityTimeoutSeconds: number }): Promise<QueueMessage[]> {
    const result = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await this.url(queue),
        MaxNumberOfMessages: Math.min(opts.maxMessages, 10),
        VisibilityTimeout: opts.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        WaitTimeSeconds: 0,
      }),
    );
    return (result.Messages ?? []).map(toQueueMessage);
  }

  async delete(queue: QueueName, receiptHandle: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: await this.url(queue), ReceiptHandle: receiptHandle }));
  }

  async changeVisibility(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: await this.url(queue), ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }),
    );
  }

  async noteFailure(queue: QueueName, messageId: string, reason: string): Promise<void> {
    await this.reasons.put(reasonKey(queue, messageId), reason.slice(0, 2000), REASON_TTL_SECONDS);
  }

  async stats(queue: QueueName): Promise<QueueStats> {
    const [main, dead] = await Promise.all([this.attributes(await this.url(queue)), this.attributes(await this.url(`${queue}-dlq`))]);
    return {
      waiting: Number(main.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(main.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(main.ApproximateNumberOfMessagesDelayed ?? 0),
      dead: Number(dead.ApproximateNumberOfMessages ?? 0),
      paused: false,
    };
  }

  /** Lambda's event source mapping, not us, takes the messages: pausing it is not ours to do. */
  async pause(): Promise<boolean> {
    return false;
  }

  async resume(): Promise<void> {}

  /** SQS purges a whole queue (in flight too; a stage is idempotent, and `start` queues missing work again). */
  async purge(queue: QueueName, which: 'waiting' | 'dead'): Promise<null> {
    await this.sqs.send(new PurgeQueueCommand({ QueueUrl: await this.url(which === 'dead' ? `${queue}-dlq` : queue) }));
    return null;
  }

  /** Receiving is the only way to see an SQS message, and each receive counts towards the dead letters. */
  async peek(): Promise<null> {
    return null;
  }

  async deadLetters(queue: QueueName, limit: number): Promise<DeadLetter[]> {
    // SQS cannot peek: receive with a zero visibility timeout leaves the messages where they are.
    const result = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await this.url(`${queue}-dlq`),
        MaxNumberOfMessages: Math.min(limit, 10),
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    return Promise.all(
      (result.Messages ?? []).map(async (m) => {
        const message = toQueueMessage(m);
        return {
          id: message.id,
          body: message.body,
          // Receiving from the DLQ counts too; what the source queue saw is one less.
          receiveCount: Math.max(1, message.receiveCount - 1),
          reason: (await this.reasons.get<string>(reasonKey(queue, message.id))) ?? null,
          sentAt: message.sentAt,
          diedAt: message.sentAt,
        };
      }),
    );
  }

  async redrive(queue: QueueName): Promise<number> {
    const dlq = await this.url(`${queue}-dlq`);
    let moved = 0;
    for (;;) {
      const result = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
      const messages = result.Messages ?? [];
      if (messages.length === 0) return moved;
      await this.send(
        queue,
        messages.map((m) => m.Body ?? ''),
      );
      for (const m of messages) await this.sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: m.ReceiptHandle }));
      moved += messages.length;
    }
  }

  private url(name: string): Promise<string> {
    let url = this.urls.get(name);
    if (!url) {
      url = this.sqs.send(new GetQueueUrlCommand({ QueueName: `${this.prefix}${name}` })).then((r) => r.QueueUrl!);
      url.catch(() => this.urls.delete(name));
      this.urls.set(name, url);
    }
    return url;
  }

  private async attributes(url: string): Promise<Record<string, string>> {
    const result = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    return result.Attributes ?? {};
  }
}

function reasonKey(queue: string, messageId: string): string {
  return `queue-failure:${queue}:${messageId}`;
}

function toQueueMessage(m: Message): QueueMessage {
  return {
    id: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    sentAt: new Date(Number(m.Attributes?.SentTimestamp ?? 0)),
  };
}
