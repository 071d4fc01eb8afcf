import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PostgresKeyValueStore } from '../../adapters/local/postgres-key-value-store.js';
import { PostgresQueue } from '../../adapters/local/postgres-queue.js';
import { silentLogger, startTestDatabase, type TestDatabase } from '../../test/test-database.js';
import { readConfig } from '../config.js';
import { systemClock } from '../ports/clock.js';
import type { Ports } from './ports.js';
import { queueHandler, type Stage } from './queue-handler.js';

const Job = z.object({ id: z.string(), fail: z.boolean().optional() });
type Job = z.infer<typeof Job>;

const event = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: `r${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:0:test',
    awsRegion: 'local',
  })),
});
const context = {} as Context;

describe('queueHandler', () => {
  let database: TestDatabase;
  let ports: Ports;
  const runs: string[] = [];
  const stage: Stage<Job> = {
    name: 'thumbnail',
    parse: (body) => [Job.parse(JSON.parse(body))],
    idempotencyKey: (job) => job.id,
    async run(job) {
      runs.push(job.id);
      if (job.fail) throw new Error(`job ${job.id} broke`);
    },
  };

  beforeAll(async () => {
    database = await startTestDatabase();
    ports = {
      config: readConfig({ SHOEBOX_VISIBILITY_TIMEOUT: '30' }),
      db: database.db,
      kv: new PostgresKeyValueStore(database.db),
      queue: new PostgresQueue(database.db, 5),
      clock: systemClock,
      logger: silentLogger,
    } as unknown as Ports;
  });
  afterAll(async () => database?.close());

  it('runs a job delivered twice only once', async () => {
    const handle = queueHandler(stage, ports);
    expect(await handle(event('{"id":"a"}', '{"id":"a"}'), context)).toEqual({ batchItemFailures: [] });
    expect(await handle(event('{"id":"a"}'), context)).toEqual({ batchItemFailures: [] });
    expect(runs.filter((id) => id === 'a')).toHaveLength(1);
  });

  it('fails only the broken message of a batch, with its reason, and lets it run again', async () => {
    const handle = queueHandler(stage, ports);
    const result = await handle(event('{"id":"b"}', '{"id":"c","fail":true}', 'not json', '{"no":"id"}'), context);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2', 'm3']);
    expect(result.batchItemFailures[0]).toMatchObject({ reason: 'job c broke' });
    await handle(event('{"id":"c","fail":true}'), context);
    expect(runs.filter((id) => id === 'c')).toHaveLength(2);
  });

  it('refuses a job another worker is running, so the queue retries it later', async () => {
    await ports.kv.put('thumbnail:d', { status: 'in_progress' }, 30);
    const result = await queueHandler(stage, ports)(event('{"id":"d"}'), context);
    expect(result.batchItemFailures[0]).toMatchObject({ itemIdentifier: 'm0', reason: expect.stringMatching(/being processed/) });
    expect(runs).not.toContain('d');
  });

  it('on the last try, marks the job given up with its reason; before that, only retries', async () => {
    const given: string[] = [];
    const giving = { ...stage, giveUp: async (job: Job, reason: string) => void given.push(`${job.id}: ${reason}`) };
    const attempt = (count: number) => {
      const delivery = event('{"id":"e","fail":true}');
      delivery.Records[0]!.attributes.ApproximateReceiveCount = String(count);
      return queueHandler(giving, ports)(delivery, context);
    };
    for (let count = 1; count < ports.config.maxReceives; count++) await attempt(count);
    expect(given).toEqual([]);
    await attempt(ports.config.maxReceives);
    expect(given).toEqual([`e: thumbnail gave up after ${ports.config.maxReceives} tries: job e broke`]);
  });
});
