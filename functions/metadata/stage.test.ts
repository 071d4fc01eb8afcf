import { describe, expect, it } from 'vitest';
import { metadataStage } from './stage.js';

describe('the metadata stage’s messages', () => {
  it('reads S3 events, S3’s test event, and library-scan jobs; refuses anything else', () => {
    const s3 = JSON.stringify({
      Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'originals/x', size: 3, eTag: 'e' } } }],
    });
    expect(metadataStage.parse(s3)).toEqual([{ bucket: 'b', key: 'originals/x', size: 3, etag: 'e' }]);
    expect(metadataStage.parse(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }))).toEqual([]);
    const job = { assetId: '7a1d3c1e-3f0e-4c55-9f57-2f5a8b1e0c11', modifiedAt: '2024-01-01T00:00:00.000Z' };
    expect(metadataStage.parse(JSON.stringify(job))).toEqual([job]);
    expect(metadataStage.idempotencyKey(job)).toBe(`library:${job.assetId}:${job.modifiedAt}`);
    expect(() => metadataStage.parse(JSON.stringify({ assetId: 'not-a-uuid', modifiedAt: 'x' }))).toThrow();
    expect(() => metadataStage.parse('{"Records":[{"not":"an S3 event"}]}')).toThrow();
  });
});
