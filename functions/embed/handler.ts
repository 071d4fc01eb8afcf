import { lambdaQueueEntry } from '../../adapters/lambda-entry.js';
import { embedStage } from './stage.js';

export const handler = lambdaQueueEntry(embedStage);
