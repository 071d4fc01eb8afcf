import { lambdaQueueEntry } from '../../adapters/lambda-entry.js';
import { metadataStage } from './stage.js';

// One S3 ObjectCreated notification per SQS record; a throw fails only that record.
export const handler = lambdaQueueEntry(metadataStage);
