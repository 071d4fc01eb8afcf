import { describe, expect, it } from 'vitest';
import { awsClients } from './aws-clients.js';
import { S3ObjectStore } from './s3-object-store.js';

// What real S3 enforces lives in the URL; emulators ignore it, so check the URL itself.
describe('S3 presigned URLs', () => {
  const { s3 } = awsClients({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  const store = new S3ObjectStore(s3, 'shoebox-originals');

  it('sign the Content-Length of a PUT, so S3 refuses a body of another size', async () => {
    const url = new URL(await store.presignPut('originals/u/ab/cd/a.jpg', { expiresIn: 900, contentLength: 1234 }));
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    // The checksum trap: a CRC32 of an empty body in the URL makes real S3 reject the PUT.
    expect([...url.searchParams.keys()].some((k) => k.toLowerCase().includes('checksum'))).toBe(false);
  });

  it('sign each part of a multipart upload with its size', async () => {
    const url = new URL(await store.presignPart('originals/u/ab/cd/a.mov', 'upload-1', 3, { expiresIn: 60, contentLength: 5 * 1024 * 1024 }));
    expect(url.searchParams.get('partNumber')).toBe('3');
    expect(url.searchParams.get('uploadId')).toBe('upload-1');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
  });

  it('ask S3 for the download name and type on a GET', async () => {
    const url = new URL(await store.presignGet('originals/u/ab/cd/a.jpg', { expiresIn: 60, downloadName: 'Été 2024.jpg', contentType: 'image/jpeg' }));
    expect(url.searchParams.get('response-content-type')).toBe('image/jpeg');
    expect(url.searchParams.get('response-content-disposition')).toBe("attachment; filename*=UTF-8''%C3%89t%C3%A9%202024.jpg");
  });
});
