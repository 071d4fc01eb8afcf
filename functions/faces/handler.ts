import { lambdaQueueEntry } from '../../adapters/lambda-entry.js';
import { facesStage } from './stage.js';

export const handler = lambdaQueueEntry(facesStage);
