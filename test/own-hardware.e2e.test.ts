import { createHash } from 'node:crypto';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../adapters/aws/aws-clients.js';
import { createAwsResources } from '../local/aws-resources.js';
import { readMedia } from './media-samples.js';
import { motoMissing, startMotoServer, type MotoServer } from './moto-server.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

// "Own hardware" mode: the local runtime with S3, SQS and DynamoDB APIs (here moto) in place
// of its folder, queue table and key-value table. The object-created event comes from the
// bucket notification, as on AWS.
const missing = motoMissing();

describe.skipIf(missing)(`the runtime on S3 + SQS + DynamoDB APIs${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let moto: MotoServer;
  let runtime: TestRuntime;
  let user: TestUser;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    moto = await startMotoServer();
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    const names = { bucket: 'shoebox-originals', queuePrefix: 'shoebox-', kvTable: 'shoebox-kv', maxReceives: 2 };
    await createAwsResources(awsClients({ endpoint: moto.endpoint, region: 'us-east-1' }), names);
    runtime = await startTestRuntime({
      SHOEBOX_STORE: 's3',
      SHOEBOX_QUEUE: 'sqs',
      SHOEBOX_KV: 'dynamodb',
      SHOEBOX_BUCKET: names.bucket,
      SHOEBOX_QUEUE_PREFIX: names.queuePrefix,
      SHOEBOX_KV_TABLE: names.kvTable,
      AWS_REGION: 'us-east-1',
      S3_ENDPOINT: moto.endpoint,
      SQS_ENDPOINT: moto.endpoint,
      DYNAMODB_ENDPOINT: moto.endpoint,
      SHOEBOX_PART_SIZE: String(5 * 1024 * 1024),
      // As on AWS: media answers redirect to the bucket's own presigned URLs.
      SHOEBOX_MEDIA_REDIRECTS: 'true',
      SHOEBOX_RETRY_BASE_SECONDS: '1',
    });
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
  });
  afterAll(async () => {
    await runtime?.close();
    await moto?.stop();
  });

  it('uploads straight to the bucket, is announced by the bucket, and serves thumbnails from it', async () => {
    const bytes = await readMedia('exif-samples__DSCN0010.jpg');
    const ticket = await api.call<{ id: string; upload: { url: string } }>('POST', '/uploads', {
      key: user.apiKey,
      body: { fileName: 'DSCN0010.jpg', size: bytes.length, checksum: sha1(bytes) },
    });
    expect(ticket.status).toBe(201);
    expect(ticket.body.upload.url.startsWith(moto.endpoint)).toBe(true);
    expect((await fetch(ticket.body.upload.url, { method: 'PUT', body: bytes })).status).toBe(200);

    const asset = await waitFor(async () => {
      const { body } = await api.call<{ status: string; exifInfo?: { make: string } }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey });
      return body.status === 'ready' || body.status === 'failed' ? body : undefined;
    }, 'the asset to be processed through SQS');
    expect(asset).toMatchObject({ status: 'ready', exifInfo: { make: 'NIKON' } });

    const redirect = await api.call('GET', `/assets/${ticket.body.id}/thumbnail?size=preview`, { key: user.apiKey });
    expect(redirect.headers.get('location')!.startsWith(moto.endpoint)).toBe(true);
    const preview = Buffer.from(await (await fetch(redirect.headers.get('location')!)).arrayBuffer());
    expect((await sharp(preview).metadata()).format).toBe('jpeg');

    const jobs = await api.call<Record<string, { jobCounts: { waiting: number; failed: number } }>>('GET', '/jobs', { key: user.apiKey });
    expect(jobs.body.metadata!.jobCounts).toMatchObject({ waiting: 0, failed: 0 });
  });

  it('assembles a multipart upload in the bucket from presigned part URLs', async () => {
    const bytes = await sharp(await readMedia('exifr__canon-dslr.jpg')).png({ compressionLevel: 1 }).toBuffer();
    const ticket = await api.call<{ id: string; upload: { type: string; parts: Array<{ partNumber: number; size: number; url: string }> } }>('POST', '/uploads', {
      key: user.apiKey,
      body: { fileName: 'big.png', size: bytes.length, checksum: sha1(bytes) },
    });
    expect(ticket.body.upload.type).toBe('multipart');
    const parts = [];
    let offset = 0;
    for (const part of ticket.body.upload.parts) {
      const response = await fetch(part.url, { method: 'PUT', body: bytes.subarray(offset, offset + part.size) });
      expect(response.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: response.headers.get('etag')! });
      offset += part.size;
    }
    expect((await api.call('POST', `/uploads/${ticket.body.id}/complete`, { key: user.apiKey, body: { parts } })).status).toBe(200);
    const asset = await waitFor(async () => {
      const { body } = await api.call<{ status: string; width: number }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey });
      return body.status === 'ready' || body.status === 'failed' ? body : undefined;
    }, 'the multipart upload to be processed');
    expect(asset).toMatchObject({ status: 'ready', width: 5184 });
    const original = await api.call('GET', `/assets/${ticket.body.id}/original`, { key: user.apiKey });
    expect(sha1(Buffer.from(await (await fetch(original.headers.get('location')!)).arrayBuffer()))).toBe(sha1(bytes));
  });

  it('sends a poison message to the dead-letter queue with its reason, while good uploads go through', async () => {
    await runtime.ports.queue.send('metadata', ['{"Records":[{"not":"an S3 event"}]}']);
    const bytes = await readMedia('test-assets__wood_anemones.jpg');
    const ticket = await api.call<{ id: string; upload: { url: string } }>('POST', '/uploads', {
      key: user.apiKey,
      body: { fileName: 'anemones.jpg', size: bytes.length, checksum: sha1(bytes) },
    });
    await fetch(ticket.body.upload.url, { method: 'PUT', body: bytes });
    const dead = await waitFor(async () => {
      const { body } = await api.call<Array<{ body: string; reason: string | null }>>('GET', '/jobs/metadata/dead-letters', { key: user.apiKey });
      return body.length > 0 ? body : undefined;
    }, 'the poison message to be dead-lettered', 60_000);
    expect(dead[0]!.body).toBe('{"Records":[{"not":"an S3 event"}]}');
    expect(dead[0]!.reason).toMatch(/invalid|expected/i);
    const good = await api.call<{ status: string }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey });
    expect(good.body.status).toBe('ready');
  });

  it('indexes an external library under an S3 prefix in place, and serves its originals from there', async () => {
    const { s3 } = awsClients({ endpoint: moto.endpoint, region: 'us-east-1' });
    await s3.send(new CreateBucketCommand({ Bucket: 'family-nas' }));
    const fir = await readMedia('test-assets__silver_fir.jpg');
    const put = (key: string, body: Buffer) => s3.send(new PutObjectCommand({ Bucket: 'family-nas', Key: key, Body: body }));
    await put('photos/2020/fir.jpg', fir);
    await put('photos/2020/anemones.jpg', await readMedia('test-assets__wood_anemones.jpg'));
    await put('photos/@eaDir/fir.jpg', fir);
    await put('elsewhere/not-in-the-library.jpg', fir);

    const create = (importPaths: string[]) => api.call<{ id: string }>('POST', '/libraries', { key: user.apiKey, body: { ownerId: user.id, importPaths } });
    expect((await create(['s3://shoebox-originals/'])).status).toBe(400);
    expect((await create(['/tmp'])).status).toBe(400);
    // A bucket not there (yet) is accepted, as Immich accepts a folder not mounted; validate says so.
    const missing = await create(['s3://no-such-bucket/photos/']);
    expect(missing.status).toBe(201);
    const report = await api.call<{ importPaths: Array<{ isValid: boolean }> }>('POST', `/libraries/${missing.body.id}/validate`, {
      key: user.apiKey,
      body: { importPaths: ['s3://no-such-bucket/photos/', 's3://family-nas/photos/'] },
    });
    expect(report.body.importPaths.map((p) => p.isValid)).toEqual([false, true]);
    expect((await api.call('DELETE', `/libraries/${missing.body.id}`, { key: user.apiKey })).status).toBe(204);
    const library = await create(['s3://family-nas/photos/']);
    expect(library.status).toBe(201);
    expect((await api.call('POST', `/libraries/${library.body.id}/scan`, { key: user.apiKey })).status).toBe(204);

    const assets = await waitFor(async () => {
      const { body } = await api.call<{ assets: { items: Array<{ id: string; status: string; originalFileName: string; libraryId: string | null }> } }>(
        'POST',
        '/search/metadata',
        { key: user.apiKey, body: { size: 100 } },
      );
      const fromLibrary = body.assets.items.filter((a) => a.libraryId === library.body.id);
      return fromLibrary.length === 2 && fromLibrary.every((a) => a.status === 'ready') ? fromLibrary : undefined;
    }, 'the S3 library to be scanned and processed', 60_000);
    expect(assets.map((a) => a.originalFileName).sort()).toEqual(['anemones.jpg', 'fir.jpg']);
    const fromS3 = assets.find((a) => a.originalFileName === 'fir.jpg')!;
    const original = await api.call('GET', `/assets/${fromS3.id}/original`, { key: user.apiKey });
    expect(original.status).toBe(302);
    expect(original.headers.get('location')).toContain('family-nas');
    expect(sha1(Buffer.from(await (await fetch(original.headers.get('location')!)).arrayBuffer()))).toBe(sha1(fir));
    // The library's bucket holds exactly what it held: nothing written there.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'family-nas' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(['elsewhere/not-in-the-library.jpg', 'photos/2020/anemones.jpg', 'photos/2020/fir.jpg', 'photos/@eaDir/fir.jpg']);
  });

  it('reads a video from the bucket for ffmpeg (a temporary copy) and makes its poster', async () => {
    const bytes = await readMedia('photoprism__mp42-hvc1.mp4');
    const id = await api.upload(user, bytes, 'clip.mp4');
    const { body } = await api.call<{ status: string; duration: string; width: number }>('GET', `/assets/${id}`, { key: user.apiKey });
    expect(body).toMatchObject({ status: 'ready', duration: '0:00:01.067', width: 464 });
    expect((await api.call('GET', `/assets/${id}/thumbnail`, { key: user.apiKey })).status).toBe(302);
  });
});
