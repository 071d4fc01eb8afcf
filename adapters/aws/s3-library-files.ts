import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { LibraryFile, LibraryFiles } from '../../core/ports/library-files.js';
import type { ByteRange } from '../../core/ports/object-store.js';

/** Splits 's3://bucket/some/prefix/' into bucket and key (prefix); undefined for anything else. */
export function parseS3Path(value: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(value);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/** External-library files under S3 prefixes, read with the functions' own credentials; never written. */
export class S3LibraryFiles implements LibraryFiles {
  constructor(private readonly s3: S3Client) {}

  async check(importPath: string) {
    const where = parseS3Path(importPath);
    if (!where) return { ok: false as const, message: 'An import path here is an S3 prefix: s3://bucket/prefix/' };
    try {
      await this.s3.send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix: where.key, MaxKeys: 1 }));
      return { ok: true as const };
    } catch (error) {
      return { ok: false as const, message: `The prefix cannot be listed: ${(error as Error).name}` };
    }
  }

  async *list(importPath: string): AsyncIterable<LibraryFile> {
    const where = parseS3Path(importPath);
    if (!where) return;
    const prefix = where.key === '' || where.key.endsWith('/') ? where.key : `${where.key}/`;
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        yield { path: `s3://${where.bucket}/${object.Key}`, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async stat(file: string): Promise<LibraryFile | undefined> {
    const where = parseS3Path(file);
    if (!where) return undefined;
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: where.bucket, Key: where.key }));
      return { path: file, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NotFound')) return undefined;
      throw error;
    }
  }

  async read(file: string, range?: ByteRange): Promise<Readable> {
    const where = parseS3Path(file);
    if (!where) throw new Error(`Not an S3 path: ${file}`);
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: where.bucket, Key: where.key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
    );
    return object.Body as Readable;
  }

  presignGet(file: string, opts: { expiresIn: number; downloadName?: string; contentType?: string }): Promise<string | undefined> {
    const where = parseS3Path(file);
    if (!where) return Promise.resolve(undefined);
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: where.bucket,
        Key: where.key,
        ResponseContentType: opts.contentType,
        ResponseContentDisposition: opts.downloadName ? `attachment; filename*=UTF-8''${encodeURIComponent(opts.downloadName)}` : undefined,
      }),
      { expiresIn: opts.expiresIn },
    );
  }
}
