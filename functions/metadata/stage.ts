import type { Stage } from '../../core/runtime/queue-handler.js';
import { parseObjectCreatedMessage, type ObjectCreated } from '../../core/s3-event.js';
import { extractMetadata, STAGE } from './extract-metadata.js';

/** Fed by S3 ObjectCreated notifications (SQS body = S3 event JSON), from S3 or the local store. */
export const metadataStage: Stage<ObjectCreated> = {
  name: STAGE,
  parse: parseObjectCreatedMessage,
  idempotencyKey: (object) => `${object.key}:${object.etag ?? ''}`,
  run: extractMetadata,
};
