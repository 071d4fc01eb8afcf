import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { keyValueStoreContract } from '../../core/ports/key-value-store.contract.js';
import { objectStoreContract } from '../../core/ports/object-store.contract.js';
import { queueContract } from '../../core/ports/queue.contract.js';
import { systemClock } from '../../core/ports/clock.js';
import { blobRoutes } from '../../local/blob-routes.js';
import { startTestDatabase } from '../../test/test-database.js';
import { FsObjectStore } from './fs-object-store.js';
import { PostgresKeyValueStore } from './postgres-key-value-store.js';
import { PostgresQueue } from './postgres-queue.js';

objectStoreContract('local folder + signed URLs', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-store-'));
  let store: FsObjectStore | undefined;
  const server = serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => blobRoutes(store!).fetch(request) });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  store = new FsObjectStore({ root: dir, baseUrl: `http://127.0.0.1:${port}/_blob`, secret: 'x'.repeat(32), clock: systemClock });
  return {
    store,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}, { honoursUrlParameters: true });

queueContract('Postgres (PGlite)', async () => {
  const database = await startTestDatabase();
  let n = 0;
  return {
    queue: new PostgresQueue(database.db, 3),
    maxReceives: 3,
    // Test queues are outside QueueName on purpose: each test gets an empty one.
    freshQueue: async () => `contract-${n++}` as never,
    close: database.close,
  };
});

describe('PostgresQueue beyond the contract', () => {
  it('hands each message to exactly one of many concurrent receivers', async () => {
    const database = await startTestDatabase();
    try {
      const queue = new PostgresQueue(database.db, 3);
      await queue.send('thumbnail', Array.from({ length: 20 }, (_, i) => `m${i}`));
      const batches = await Promise.all(Array.from({ length: 5 }, () => queue.receive('thumbnail', { maxMessages: 10, visibilityTimeoutSeconds: 30 })));
      const received = batches.flat().map((m) => m.body);
      expect(received).toHaveLength(20);
      expect(new Set(received).size).toBe(20);
    } finally {
      await database.close();
    }
  });

  it('ignores a stale receipt handle, so a late worker cannot delete a newer delivery', async () => {
    const database = await startTestDatabase();
    try {
      const queue = new PostgresQueue(database.db, 3);
      await queue.send('metadata', ['late']);
      const [first] = await queue.receive('metadata', { maxMessages: 1, visibilityTimeoutSeconds: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const [second] = await queue.receive('metadata', { maxMessages: 1, visibilityTimeoutSeconds: 30 });
      await queue.delete('metadata', first!.receiptHandle);
      expect((await queue.stats('metadata')).inFlight).toBe(1);
      await queue.delete('metadata', second!.receiptHandle);
      expect((await queue.stats('metadata')).inFlight).toBe(0);
    } finally {
      await database.close();
    }
  });
});

keyValueStoreContract('Postgres (PGlite)', async () => {
  const database = await startTestDatabase();
  return { kv: new PostgresKeyValueStore(database.db), close: database.close };
});

describe('the embedded database through the pg pool', () => {
  it('keeps named statements working after a failed query replaces the connection', async () => {
    const database = await startTestDatabase();
    try {
      const named = () => database.db.query({ name: 'named-one', text: 'SELECT $1::int AS n', values: [7] });
      expect((await named()).rows).toEqual([{ n: 7 }]);
      // pg-pool ends a connection whose query failed; PGlite's one backend remembers 'named-one'.
      await expect(database.db.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
      expect((await named()).rows).toEqual([{ n: 7 }]);
      expect((await named()).rows).toEqual([{ n: 7 }]);
    } finally {
      await database.close();
    }
  });
});
