import { lambdaQueueEntry } from '../../adapters/lambda-entry.js';
import { thumbnailStage } from './stage.js';

export const handler = lambdaQueueEntry(thumbnailStage);
