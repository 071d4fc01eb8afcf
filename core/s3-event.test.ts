import { describe, expect, it } from 'vitest';
import { objectCreatedMessage, parseObjectCreatedMessage } from './s3-event.js';

// The body S3 puts on SQS for a PUT (AWS docs, "Event message structure"), trimmed.
const s3Body = JSON.stringify({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventTime: '2026-01-01T00:00:00.000Z',
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      s3: { bucket: { name: 'shoebox-originals' }, object: { key: 'originals/u/ab/cd/My+Photo%281%29.jpg', size: 1024, eTag: 'abc-2' } },
    },
  ],
});

describe('S3 object-created messages', () => {
  it('parses what S3 sends, decoding the key', () => {
    expect(parseObjectCreatedMessage(s3Body)).toEqual([
      { bucket: 'shoebox-originals', key: 'originals/u/ab/cd/My Photo(1).jpg', size: 1024, etag: 'abc-2' },
    ]);
  });

  it('ignores the test event and other event kinds', () => {
    expect(parseObjectCreatedMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }))).toEqual([]);
    const removed = s3Body.replace('ObjectCreated:CompleteMultipartUpload', 'ObjectRemoved:Delete');
    expect(parseObjectCreatedMessage(removed)).toEqual([]);
  });

  it('round-trips what the local store sends', () => {
    const body = objectCreatedMessage('local', 'originals/u/a b.jpg', { size: 3, etag: 'e', lastModified: new Date() });
    expect(parseObjectCreatedMessage(body)).toEqual([{ bucket: 'local', key: 'originals/u/a b.jpg', size: 3, etag: 'e' }]);
  });

  it('throws on a body that is not an S3 event, so the message is retried and dead-lettered', () => {
    expect(() => parseObjectCreatedMessage('not json')).toThrow();
    expect(() => parseObjectCreatedMessage('{"Records":[{"nope":1}]}')).toThrow();
  });
});
