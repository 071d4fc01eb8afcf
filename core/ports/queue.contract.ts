import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue, QueueName } from './queue.js';

export interface QueueFixture {
  queue: Queue;
  /** The adapter's maxReceives. */
  maxReceives: number;
  /** A queue name with nothing in it, fresh for each test. */
  freshQueue(): Promise<QueueName>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SQS semantics every Queue adapter must have. */
export function queueContract(name: string, createFixture: () => Promise<QueueFixture>): void {
  describe(`Queue contract: ${name}`, () => {
    let fixture: QueueFixture;
    beforeAll(async () => {
      fixture = await createFixture();
    });
    afterAll(async () => fixture?.close());

    it('delivers a sent message once until it is deleted', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['{"n":1}', '{"n":2}']);
      const first = await fixture.queue.receive(q, { maxMessages: 10, visibilityTimeoutSeconds: 30 });
      expect(first.map((m) => m.body).sort()).toEqual(['{"n":1}', '{"n":2}']);
      expect(first.every((m) => m.receiveCount === 1)).toBe(true);
      expect(await fixture.queue.receive(q, { maxMessages: 10, visibilityTimeoutSeconds: 30 })).toEqual([]);
      for (const m of first) await fixture.queue.delete(q, m.receiptHandle);
      expect(await fixture.queue.stats(q)).toEqual({ waiting: 0, inFlight: 0, dead: 0, paused: false });
    });

    it('redelivers a message whose visibility timeout ran out, counting receives', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['again']);
      const [first] = await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 1 });
      expect((await fixture.queue.stats(q)).inFlight).toBe(1);
      await sleep(1300);
      const [second] = await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 30 });
      expect(second?.body).toBe('again');
      expect(second?.receiveCount).toBe(2);
      expect(first!.receiptHandle).not.toBe(second!.receiptHandle);
      await fixture.queue.delete(q, second!.receiptHandle);
      expect((await fixture.queue.stats(q)).inFlight).toBe(0);
    });

    it('releases a message at once with a visibility of 0', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['release']);
      const [m] = await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 60 });
      await fixture.queue.changeVisibility(q, m!.receiptHandle, 0);
      expect((await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 60 }))[0]?.body).toBe('release');
    });

    it('holds back a delayed message', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['later'], { delaySeconds: 60 });
      expect(await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 1 })).toEqual([]);
    });

    it('loses nothing to concurrent receivers (SQS may, rarely, hand one message to two)', async () => {
      const q = await fixture.freshQueue();
      const bodies = Array.from({ length: 20 }, (_, i) => `m${i}`);
      await fixture.queue.send(q, bodies);
      const seen = new Set<string>();
      for (let round = 0; round < 10 && seen.size < bodies.length; round++) {
        const batches = await Promise.all(
          Array.from({ length: 5 }, () => fixture.queue.receive(q, { maxMessages: 10, visibilityTimeoutSeconds: 30 })),
        );
        for (const m of batches.flat()) {
          seen.add(m.body);
          await fixture.queue.delete(q, m.receiptHandle);
        }
      }
      expect([...seen].sort()).toEqual([...bodies].sort());
    });

    it('dead-letters a message after maxReceives deliveries, keeping the reason, and redrives it', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['poison']);
      for (let i = 0; i < fixture.maxReceives; i++) {
        const [m] = await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 30 });
        expect(m?.receiveCount).toBe(i + 1);
        await fixture.queue.noteFailure(q, m!.id, `attempt ${i + 1}: cannot parse`);
        await fixture.queue.changeVisibility(q, m!.receiptHandle, 0);
      }
      expect(await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 30 })).toEqual([]);
      const dead = await fixture.queue.deadLetters(q, 10);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ body: 'poison', receiveCount: fixture.maxReceives, reason: `attempt ${fixture.maxReceives}: cannot parse` });
      expect((await fixture.queue.stats(q)).dead).toBe(1);
      expect(await fixture.queue.redrive(q)).toBe(1);
      const [back] = await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 30 });
      expect(back).toMatchObject({ body: 'poison', receiveCount: 1 });
    });

    it('shows its waiting and in-flight messages without taking them, where it can', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['one', 'two']);
      const [taken] = await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 30 });
      const waiting = await fixture.queue.peek(q, 'waiting', 10);
      const inFlight = await fixture.queue.peek(q, 'inFlight', 10);
      if (waiting === null || inFlight === null) return;
      expect(waiting.map((m) => m.body)).toEqual([taken!.body === 'one' ? 'two' : 'one']);
      expect(inFlight).toMatchObject([{ body: taken!.body, receiveCount: 1 }]);
      // Looking took nothing: the waiting one is still there to receive, once.
      const next = await fixture.queue.receive(q, { maxMessages: 10, visibilityTimeoutSeconds: 30 });
      expect(next).toMatchObject([{ body: waiting[0]!.body, receiveCount: 1 }]);
    });

    it('empties the waiting messages, and clears the dead letters, on request', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['a', 'b', 'c']);
      await fixture.queue.purge(q, 'waiting');
      expect(await fixture.queue.receive(q, { maxMessages: 10, visibilityTimeoutSeconds: 30 })).toEqual([]);
      expect((await fixture.queue.stats(q)).waiting).toBe(0);
      await fixture.queue.purge(q, 'dead');
      expect(await fixture.queue.deadLetters(q, 10)).toEqual([]);
    });

    it('holds its messages back while paused, where it can be paused, and until the pause ends', async () => {
      const q = await fixture.freshQueue();
      await fixture.queue.send(q, ['held']);
      const paused = await fixture.queue.pause(q, new Date(Date.now() + 60_000));
      expect((await fixture.queue.stats(q)).paused).toBe(paused);
      if (paused) {
        expect(await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 30 })).toEqual([]);
        expect((await fixture.queue.stats(q)).waiting).toBe(1);
        await fixture.queue.pause(q, new Date(Date.now() - 1000));
        expect((await fixture.queue.stats(q)).paused).toBe(false);
      }
      await fixture.queue.resume(q);
      const [m] = await fixture.queue.receive(q, { maxMessages: 1, visibilityTimeoutSeconds: 30 });
      expect(m?.body).toBe('held');
    });
  });
}
