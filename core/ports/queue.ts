/** Names of the queues that chain the pipeline; one stage reads each. */
export const QueueNames = ['metadata', 'thumbnail', 'transcode', 'library', 'embed', 'faces', 'duplicates'] as const;
export type QueueName = (typeof QueueNames)[number];

export interface QueueMessage {
  id: string;
  /** Identifies this delivery; delete and changeVisibility need it, a stale one is ignored. */
  receiptHandle: string;
  body: string;
  /** 1 on the first delivery. */
  receiveCount: number;
  sentAt: Date;
}

export interface DeadLetter {
  id: string;
  body: string;
  receiveCount: number;
  reason: string | null;
  sentAt: Date;
  diedAt: Date;
}

/** A message looked at where it is, without receiving it. */
export interface PeekedMessage {
  id: string;
  body: string;
  receiveCount: number;
  sentAt: Date;
}

export interface QueueStats {
  waiting: number;
  inFlight: number;
  dead: number;
  /** Workers take none of its messages for now. */
  paused: boolean;
}

/**
 * At-least-once message queue with SQS semantics: a received message is hidden for the
 * visibility timeout, reappears unless deleted, and goes to the dead letters after
 * `maxReceives` deliveries.
 */
export interface Queue {
  send(queue: QueueName, bodies: string[], opts?: { delaySeconds?: number }): Promise<void>;
  receive(queue: QueueName, opts: { maxMessages: number; visibilityTimeoutSeconds: number }): Promise<QueueMessage[]>;
  delete(queue: QueueName, receiptHandle: string): Promise<void>;
  /** Hides (or, with 0, releases) an in-flight message. */
  changeVisibility(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
  /** Why a delivery failed, in words; the dead letter shows the last one. */
  noteFailure(queue: QueueName, messageId: string, reason: string): Promise<void>;
  stats(queue: QueueName): Promise<QueueStats>;
  deadLetters(queue: QueueName, limit: number): Promise<DeadLetter[]>;
  /**
   * The oldest messages waiting, or being worked on, left where they are; null where they
   * cannot be seen without receiving them (SQS counts every receive towards the dead letters).
   */
  peek(queue: QueueName, which: 'waiting' | 'inFlight', limit: number): Promise<PeekedMessage[] | null>;
  /** Moves every dead letter back to the queue with a fresh receive count. */
  redrive(queue: QueueName): Promise<number>;
  /**
   * Stops workers taking this queue's messages until `until` (or `resume`). False where the
   * queue cannot be held back by us (SQS: Lambda's event source polls it).
   */
  pause(queue: QueueName, until: Date): Promise<boolean>;
  resume(queue: QueueName): Promise<void>;
  /** Removes the messages waiting (none being worked on), or the dead letters; how many, where known. */
  purge(queue: QueueName, which: 'waiting' | 'dead'): Promise<number | null>;
}
