import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { pipeline, Transform, type Readable } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import { BadRequest } from '../../core/errors.js';
import { ObjectNotFound, type ByteRange, type CompletedPart, type ObjectInfo, type ObjectStore } from '../../core/ports/object-store.js';

/**
 * The object store on S3 (or MinIO, Garage, Ceph). Presigned PUTs sign Content-Length, so
 * S3 itself refuses a body of another size. ObjectCreated events come from the bucket's
 * notification to SQS, configured by the CDK app, not from this class.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly originals: string;
  private readonly derived: string;

  /** Derived files (`derived/…`) may live in a bucket of their own, with cheaper rules. */
  constructor(
    private readonly s3: S3Client,
    buckets: string | { originals: string; derived: string },
  ) {
    this.originals = typeof buckets === 'string' ? buckets : buckets.originals;
    this.derived = typeof buckets === 'string' ? buckets : buckets.derived;
  }

  private bucketOf(key: string): string {
    return key.startsWith('derived/') ? this.derived : this.originals;
  }

  presignPut(key: string, opts: { expiresIn: number; contentLength?: number }): Promise<string> {
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucketOf(key), Key: key, ContentLength: opts.contentLength }), {
      expiresIn: opts.expiresIn,
    });
  }

  presignGet(key: string, opts: { expiresIn: number; downloadName?: string; contentType?: string }): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucketOf(key),
        Key: key,
        ResponseContentType: opts.contentType,
        ResponseContentDisposition: opts.downloadName ? `attachment; filename*=UTF-8''${encodeURIComponent(opts.downloadName)}` : undefined,
      }),
      { expiresIn: opts.expiresIn },
    );
  }

  async createMultipart(key: string): Promise<string> {
    const result = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucketOf(key), Key: key }));
    return result.UploadId!;
  }

  presignPart(key: string, uploadId: string, partNumber: number, opts: { expiresIn: number; contentLength?: number }): Promise<string> {
    return getSignedUrl(
      this.s3,
      new UploadPartCommand({ Bucket: this.bucketOf(key), Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: opts.contentLength }),
      { expiresIn: opts.expiresIn },
    );
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<ObjectInfo> {
    try {
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucketOf(key),
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (error) {
      if (error instanceof S3ServiceException && ['InvalidPart', 'InvalidPartOrder', 'NoSuchUpload', 'EntityTooSmall'].includes(error.name)) {
        throw new BadRequest(`The multipart upload cannot be completed: ${error.name}`);
      }
      throw error;
    }
    return (await this.head(key))!;
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucketOf(key), Key: key, UploadId: uploadId }));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const result = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucketOf(key), Key: key }));
      return { size: result.ContentLength ?? 0, etag: result.ETag ?? '', lastModified: result.LastModified ?? new Date(0) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number; lastModified: Date }> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucketOf(prefix), Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const result = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucketOf(key), Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return result.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFound(key);
      throw error;
    }
  }

  async write(key: string, body: Buffer | Readable, contentType: string): Promise<ObjectInfo> {
    if (Buffer.isBuffer(body)) {
      const result = await this.s3.send(new PutObjectCommand({ Bucket: this.bucketOf(key), Key: key, Body: body, ContentType: contentType }));
      return { size: body.length, etag: result.ETag ?? '', lastModified: new Date() };
    }
    // A stream of unknown length (a video's encoding) goes up in parts, never whole in memory.
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    // pipeline, not pipe: an 'error' no one listens to (a cut-off source) would end the process.
    pipeline(body, counted, () => undefined);
    const upload = new Upload({ client: this.s3, params: { Bucket: this.bucketOf(key), Key: key, Body: counted, ContentType: contentType }, partSize: 8 * 1024 * 1024, queueSize: 2 });
    const result = await upload.done();
    return { size, etag: result.ETag ?? '', lastModified: new Date() };
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    try {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucketOf(toKey),
          Key: toKey,
          CopySource: `${this.bucketOf(fromKey)}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFound(fromKey);
      throw error;
    }
    await this.delete(fromKey);
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucketOf(key), Key: key }));
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.name === 'NoSuchUpload' || error.$metadata.httpStatusCode === 404)
  );
}
