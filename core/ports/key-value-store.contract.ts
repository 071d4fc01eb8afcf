import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyValueStore } from './key-value-store.js';

export interface KeyValueFixture {
  kv: KeyValueStore;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function keyValueStoreContract(name: string, createFixture: () => Promise<KeyValueFixture>): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let fixture: KeyValueFixture;
    let n = 0;
    const key = () => `contract:${Date.now()}:${n++}`;
    beforeAll(async () => {
      fixture = await createFixture();
    });
    afterAll(async () => fixture?.close());

    it('stores, reads, overwrites and deletes JSON values', async () => {
      const k = key();
      expect(await fixture.kv.get(k)).toBeUndefined();
      await fixture.kv.put(k, { status: 'in_progress', n: 1 }, 60);
      expect(await fixture.kv.get(k)).toEqual({ status: 'in_progress', n: 1 });
      await fixture.kv.put(k, { status: 'completed' }, 60);
      expect(await fixture.kv.get(k)).toEqual({ status: 'completed' });
      await fixture.kv.delete(k);
      expect(await fixture.kv.get(k)).toBeUndefined();
    });

    it('writes with putIfAbsent only once while the value lives', async () => {
      const k = key();
      expect(await fixture.kv.putIfAbsent(k, 'first', 60)).toBe(true);
      expect(await fixture.kv.putIfAbsent(k, 'second', 60)).toBe(false);
      expect(await fixture.kv.get(k)).toBe('first');
      const winners = await Promise.all(Array.from({ length: 5 }, (_, i) => fixture.kv.putIfAbsent(`${k}:race`, i, 60)));
      expect(winners.filter(Boolean)).toHaveLength(1);
    });

    it('treats an expired value as absent', async () => {
      const k = key();
      await fixture.kv.put(k, 'short-lived', 1);
      await sleep(1200);
      expect(await fixture.kv.get(k)).toBeUndefined();
      expect(await fixture.kv.putIfAbsent(k, 'fresh', 60)).toBe(true);
      expect(await fixture.kv.get(k)).toBe('fresh');
    });
  });
}
