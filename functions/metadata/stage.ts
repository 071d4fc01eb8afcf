import type { Stage } from '../../core/runtime/queue-handler.js';
import { LibraryFileJob } from '../../core/jobs.js';
import { parseObjectCreatedMessage } from '../../core/s3-event.js';
import { extractMetadata, STAGE, type MetadataJob } from './extract-metadata.js';

/**
 * Fed by S3 ObjectCreated notifications (SQS body = S3 event JSON, from S3 or the local
 * store) for uploads, and by the library scan for files found in external libraries.
 */
export const metadataStage: Stage<MetadataJob> = {
  name: STAGE,
  parse: (body) => {
    const message: unknown = JSON.parse(body);
    // Everything else is S3's (events, and the test event it sends when notifications are set up).
    const fromScan = typeof message === 'object' && message !== null && 'assetId' in message;
    return fromScan ? [LibraryFileJob.parse(message)] : parseObjectCreatedMessage(body);
  },
  idempotencyKey: (job) => ('key' in job ? `${job.key}:${job.etag ?? ''}` : `library:${job.assetId}:${job.modifiedAt}`),
  run: extractMetadata,
};
