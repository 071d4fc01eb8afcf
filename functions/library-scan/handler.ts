import { lambdaQueueEntry } from '../../adapters/lambda-entry.js';
import { libraryStage } from './stage.js';

// One library scan per SQS record (on demand from the API, or daily from the scheduler).
export const handler = lambdaQueueEntry(libraryStage);
