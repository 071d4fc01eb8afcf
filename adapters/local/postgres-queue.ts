import { EventEmitter } from 'node:events';
import type { Database } from '../../core/ports/database.js';
import type { DeadLetter, Queue, QueueMessage, PeekedMessage, QueueName, QueueStats } from '../../core/ports/queue.js';

/**
 * A durable queue in Postgres with SQS semantics: `FOR UPDATE SKIP LOCKED` hands each
 * message to one receiver, a visibility timeout hides it while it is worked on, and a
 * message received `maxReceives` times goes to the dead letters on its next delivery.
 */
export class PostgresQueue implements Queue {
  /** Emits (queue, count) on send, so local workers wake at once instead of at their next poll. */
  readonly sent = new EventEmitter();

  constructor(
    private readonly db: Database,
    private readonly maxReceives: number,
  ) {
    this.sent.setMaxListeners(100);
  }

  async send(queue: QueueName, bodies: string[], opts: { delaySeconds?: number } = {}): Promise<void> {
    if (bodies.length === 0) return;
    await this.db.query(
      `INSERT INTO queue_messages (queue, body, visible_at)
       SELECT $1, body, now() + make_interval(secs => $3) FROM unnest($2::text[]) AS body`,
      [queue, bodies, opts.delaySeconds ?? 0],
    );
    this.sent.emit(queue, bodies.length);
  }

  async receive(queue: QueueName, opts: { maxMessages: number; visibilityTimeoutSeconds: number }): Promise<QueueMessage[]> {
    const { rows } = await this.db.query<{
      id: string;
      receipt_handle: string;
      body: string;
      receive_count: number;
      sent_at: Date;
    }>(
      `WITH due AS (
         SELECT id, receive_count FROM queue_messages
         WHERE queue = $1 AND dead_at IS NULL AND visible_at <= now()
           AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.queue = $1 AND p.until > now())
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
       ), dead AS (
         UPDATE queue_messages m SET dead_at = now()
         FROM due WHERE m.id = due.id AND due.receive_count >= $3
         RETURNING m.id
       )
       UPDATE queue_messages m
       SET receive_count = m.receive_count + 1,
           visible_at = now() + make_interval(secs => $4),
           receipt_handle = gen_random_uuid()
       FROM due WHERE m.id = due.id AND due.receive_count < $3
       RETURNING m.id, m.receipt_handle, m.body, m.receive_count, m.sent_at`,
      [queue, opts.maxMessages, this.maxReceives, opts.visibilityTimeoutSeconds],
    );
    return rows
      .map((row) => ({
        id: String(row.id),
        receiptHandle: row.receipt_handle,
        body: row.body,
        receiveCount: row.receive_count,
        sentAt: row.sent_at,
      }))
      .sort((a, b) => Number(a.id) - Number(b.id));
  }

  async delete(queue: QueueName, receiptHandle: string): Promise<void> {
    await this.db.query('DELETE FROM queue_messages WHERE queue = $1 AND receipt_handle = $2', [queue, receiptHandle]);
  }

  async changeVisibility(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
    await this.db.query(
      `UPDATE queue_messages SET visible_at = now() + make_interval(secs => $3)
       WHERE queue = $1 AND receipt_handle = $2 AND dead_at IS NULL`,
      [queue, receiptHandle, seconds],
    );
  }

  async noteFailure(queue: QueueName, messageId: string, reason: string): Promise<void> {
    if (!/^\d+$/.test(messageId)) return;
    await this.db.query('UPDATE queue_messages SET last_error = $3 WHERE queue = $1 AND id = $2', [queue, messageId, reason.slice(0, 2000)]);
  }

  async stats(queue: QueueName): Promise<QueueStats> {
    const { rows } = await this.db.query<QueueStats>(
      `SELECT count(*) FILTER (WHERE dead_at IS NULL AND visible_at <= now())::int AS waiting,
              count(*) FILTER (WHERE dead_at IS NULL AND visible_at > now())::int AS "inFlight",
              count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead,
              EXISTS (SELECT 1 FROM queue_pauses p WHERE p.queue = $1 AND p.until > now()) AS paused
       FROM queue_messages WHERE queue = $1`,
      [queue],
    );
    return rows[0]!;
  }

  async deadLetters(queue: QueueName, limit: number): Promise<DeadLetter[]> {
    const { rows } = await this.db.query(
      `SELECT id::text, body, receive_count AS "receiveCount", last_error AS reason, sent_at AS "sentAt", dead_at AS "diedAt"
       FROM queue_messages WHERE queue = $1 AND dead_at IS NOT NULL ORDER BY dead_at DESC, id DESC LIMIT $2`,
      [queue, limit],
    );
    return rows as DeadLetter[];
  }

  async peek(queue: QueueName, which: 'waiting' | 'inFlight', limit: number): Promise<PeekedMessage[]> {
    const { rows } = await this.db.query<PeekedMessage>(
      `SELECT id::text, body, receive_count AS "receiveCount", sent_at AS "sentAt" FROM queue_messages
       WHERE queue = $1 AND dead_at IS NULL AND ${which === 'waiting' ? 'visible_at <= now()' : 'visible_at > now()'}
       ORDER BY sent_at, id LIMIT $2`,
      [queue, limit],
    );
    return rows;
  }

  async redrive(queue: QueueName): Promise<number> {
    const result = await this.db.query(
      `UPDATE queue_messages SET dead_at = NULL, receive_count = 0, visible_at = now(), receipt_handle = NULL
       WHERE queue = $1 AND dead_at IS NOT NULL`,
      [queue],
    );
    if (result.rowCount) this.sent.emit(queue, result.rowCount);
    return result.rowCount ?? 0;
  }

  async pause(queue: QueueName, until: Date): Promise<boolean> {
    await this.db.query('INSERT INTO queue_pauses (queue, until) VALUES ($1, $2) ON CONFLICT (queue) DO UPDATE SET until = excluded.until', [queue, until]);
    return true;
  }

  async resume(queue: QueueName): Promise<void> {
    const { rowCount } = await this.db.query('DELETE FROM queue_pauses WHERE queue = $1', [queue]);
    // Sleeping workers look again at once.
    if (rowCount) this.sent.emit(queue, Number.MAX_SAFE_INTEGER);
  }

  async purge(queue: QueueName, which: 'waiting' | 'dead'): Promise<number> {
    const { rowCount } = await this.db.query(
      which === 'dead'
        ? 'DELETE FROM queue_messages WHERE queue = $1 AND dead_at IS NOT NULL'
        : // Not the ones being worked on: they finish (or come back, as any failure does).
          'DELETE FROM queue_messages WHERE queue = $1 AND dead_at IS NULL AND (receipt_handle IS NULL OR visible_at <= now())',
      [queue],
    );
    return rowCount ?? 0;
  }
}
