import { lambdaQueueEntry } from '../../adapters/lambda-entry.js';
import { transcodeStage } from './stage.js';

// One video per SQS record; ffmpeg ships with the function (@ffmpeg-installer).
export const handler = lambdaQueueEntry(transcodeStage);
