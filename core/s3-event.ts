import { z } from 'zod';
import type { ObjectInfo } from './ports/object-store.js';

/**
 * The S3 event notification that a bucket sends to SQS when an object is created. The
 * local store produces the very same JSON, so the metadata stage has one input format.
 */
const S3EventRecord = z.object({
  eventName: z.string(),
  eventTime: z.string().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string(), size: z.number().int().nonnegative().optional(), eTag: z.string().optional() }),
  }),
});
const S3EventMessage = z.union([
  z.object({ Records: z.array(S3EventRecord) }),
  // Sent once by S3 when a notification is configured.
  z.object({ Event: z.literal('s3:TestEvent') }),
]);

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number | undefined;
  etag: string | undefined;
}

export function parseObjectCreatedMessage(body: string): ObjectCreated[] {
  const message = S3EventMessage.parse(JSON.parse(body));
  if (!('Records' in message)) return [];
  return message.Records.filter((record) => record.eventName.startsWith('ObjectCreated:')).map((record) => ({
    bucket: record.s3.bucket.name,
    // S3 URL-encodes keys in notifications, with '+' for spaces.
    key: decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
    size: record.s3.object.size,
    etag: record.s3.object.eTag,
  }));
}

export function objectCreatedMessage(bucket: string, key: string, info: ObjectInfo, eventName = 'ObjectCreated:Put'): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'local',
        eventTime: new Date().toISOString(),
        eventName,
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: info.size, eTag: info.etag },
        },
      },
    ],
  });
}
