import { lambdaQueueEntry } from '../../adapters/lambda-entry.js';
import { duplicatesStage } from './stage.js';

export const handler = lambdaQueueEntry(duplicatesStage);
