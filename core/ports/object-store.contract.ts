import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectNotFound, readAll, type ObjectStore } from './object-store.js';

export interface ObjectStoreFixture {
  store: ObjectStore;
  close(): Promise<void>;
}

export interface ObjectStoreContractOptions {
  /**
   * Whether the server behind the URLs honours everything in them: signature, expiry,
   * signed size, response headers. Real S3 and the local server do; moto ignores all of
   * it, so for S3 those cases are proven by what its URLs carry (s3-object-store.test.ts).
   */
  honoursUrlParameters: boolean;
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/**
 * What every ObjectStore must do, run against each adapter. Presigned URLs are exercised
 * over real HTTP, so the fixture's URLs must be live.
 */
export function objectStoreContract(name: string, createFixture: () => Promise<ObjectStoreFixture>, { honoursUrlParameters }: ObjectStoreContractOptions): void {
  // Named in the title and in the skip's note, so a skipped case says why.
  const unhonoured = 'this server ignores what presigned URLs carry (their content is checked in s3-object-store.test.ts)';
  const urlCase = (title: string, fn: () => Promise<void>) =>
    it(`${title}${honoursUrlParameters ? '' : ` — skipped: ${unhonoured}`}`, async (ctx) => {
      if (!honoursUrlParameters) ctx.skip(unhonoured);
      await fn();
    });
  describe(`ObjectStore contract: ${name}`, () => {
    let fixture: ObjectStoreFixture;
    let store: ObjectStore;
    let n = 0;
    const key = (suffix = 'bin') => `contract/${Date.now()}-${n++}/object.${suffix}`;

    beforeAll(async () => {
      fixture = await createFixture();
      store = fixture.store;
    });
    afterAll(async () => fixture?.close());

    it('writes, heads, reads, range-reads and deletes', async () => {
      const k = key();
      const bytes = Buffer.from('0123456789abcdefghij');
      const info = await store.write(k, bytes, 'application/octet-stream');
      expect(info.size).toBe(bytes.length);
      expect((await store.head(k))?.size).toBe(bytes.length);
      expect(await readAll(await store.read(k))).toEqual(bytes);
      expect((await readAll(await store.read(k, { start: 5, end: 9 }))).toString()).toBe('56789');
      await store.delete(k);
      expect(await store.head(k)).toBeUndefined();
    });

    it('lists the objects under a folder, with their sizes, and nothing beside it', async () => {
      const folder = `derived/list-${Math.random().toString(36).slice(2)}/`;
      await store.write(`${folder}a/one.webp`, Buffer.from('one'), 'image/webp');
      await store.write(`${folder}b/c/two.jpg`, Buffer.from('two!'), 'image/jpeg');
      await store.write(`${folder.slice(0, -1)}-beside/three.jpg`, Buffer.from('3'), 'image/jpeg');
      const listed = [];
      for await (const o of store.list(folder)) listed.push({ key: o.key, size: o.size });
      expect(listed.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
        { key: `${folder}a/one.webp`, size: 3 },
        { key: `${folder}b/c/two.jpg`, size: 4 },
      ]);
      const none = [];
      for await (const o of store.list('derived/no-such-folder/')) none.push(o);
      expect(none).toEqual([]);
    });

    it('writes a stream of unknown length, bigger than a part, whole', async () => {
      const k = key();
      const bytes = Buffer.alloc(12 * 1024 * 1024 + 123).map((_, i) => (i * 7) % 251);
      const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
      const info = await store.write(k, Readable.from(chunks), 'video/mp4');
      expect(info.size).toBe(bytes.length);
      expect((await store.head(k))?.size).toBe(bytes.length);
      expect((await readAll(await store.read(k))).equals(bytes)).toBe(true);
      await store.delete(k);
    });

    it('changes the etag when the bytes change', async () => {
      const k = key();
      const first = await store.write(k, Buffer.from('one'), 'text/plain');
      const second = await store.write(k, Buffer.from('two!'), 'text/plain');
      expect(second.etag).not.toBe(first.etag);
    });

    it('reports a missing key as absent, unreadable, and deletable', async () => {
      const k = key();
      expect(await store.head(k)).toBeUndefined();
      await expect(store.read(k)).rejects.toBeInstanceOf(ObjectNotFound);
      await expect(store.delete(k)).resolves.toBeUndefined();
    });

    urlCase('refuses a body longer than the signed size', async () => {
      const k = key('jpg');
      const bytes = Buffer.from('pretend these are jpeg bytes');
      const tooLong = await fetch(await store.presignPut(k, { expiresIn: 60, contentLength: bytes.length }), {
        method: 'PUT',
        body: Buffer.concat([bytes, bytes]),
      });
      expect(tooLong.ok).toBe(false);
      expect(await store.head(k)).toBeUndefined();
    });

    it('accepts the signed bytes on a presigned PUT and serves them on a presigned GET', async () => {
      const k = key('jpg');
      const bytes = Buffer.from('pretend these are jpeg bytes');
      const put = await fetch(await store.presignPut(k, { expiresIn: 60, contentLength: bytes.length }), { method: 'PUT', body: bytes });
      expect(put.status).toBe(200);
      const get = await fetch(await store.presignGet(k, { expiresIn: 60, downloadName: 'Holiday 2024.jpg', contentType: 'image/jpeg' }));
      expect(get.status).toBe(200);
      expect(Buffer.from(await get.arrayBuffer())).toEqual(bytes);
      if (honoursUrlParameters) {
        expect(get.headers.get('content-type')).toBe('image/jpeg');
        expect(decodeURIComponent(get.headers.get('content-disposition') ?? '')).toContain('Holiday 2024.jpg');
      }
    });

    urlCase('refuses an expired presigned URL', async () => {
      const k = key();
      const url = await store.presignPut(k, { expiresIn: 1 });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const response = await fetch(url, { method: 'PUT', body: 'late' });
      expect(response.status).toBe(403);
      expect(await store.head(k)).toBeUndefined();
    });

    it('assembles a multipart upload from presigned parts in order', async () => {
      const k = key();
      const partA = Buffer.alloc(5 * 1024 * 1024, 'a');
      const partB = Buffer.from('the last part may be small');
      const uploadId = await store.createMultipart(k);
      const etags = [];
      for (const [index, part] of [partA, partB].entries()) {
        const url = await store.presignPart(k, uploadId, index + 1, { expiresIn: 60, contentLength: part.length });
        const response = await fetch(url, { method: 'PUT', body: part });
        expect(response.status).toBe(200);
        const etag = response.headers.get('etag')!;
        expect(etag.replaceAll('"', '')).toBe(md5(part));
        etags.push({ partNumber: index + 1, etag });
      }
      expect(await store.head(k)).toBeUndefined();
      await expect(store.completeMultipart(k, uploadId, [{ partNumber: 1, etag: etags[0]!.etag }, { partNumber: 2, etag: '"0000"' }])).rejects.toThrow();
      const info = await store.completeMultipart(k, uploadId, etags);
      expect(info.size).toBe(partA.length + partB.length);
      expect(md5(await readAll(await store.read(k)))).toBe(md5(Buffer.concat([partA, partB])));
    });

    it('forgets an aborted multipart upload', async () => {
      const k = key();
      const uploadId = await store.createMultipart(k);
      const url = await store.presignPart(k, uploadId, 1, { expiresIn: 60 });
      await store.abortMultipart(k, uploadId);
      const response = await fetch(url, { method: 'PUT', body: 'too late' });
      expect(response.ok).toBe(false);
      await expect(store.completeMultipart(k, uploadId, [{ partNumber: 1, etag: 'x' }])).rejects.toThrow();
    });

    it('moves an object to a new key', async () => {
      const from = key();
      const to = key();
      await store.write(from, Buffer.from('moving'), 'text/plain');
      await store.move(from, to);
      expect(await store.head(from)).toBeUndefined();
      expect((await readAll(await store.read(to))).toString()).toBe('moving');
      await expect(store.move(from, key())).rejects.toBeInstanceOf(ObjectNotFound);
    });
  });
}
