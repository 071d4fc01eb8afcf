import { lambdaEntry } from '../../adapters/lambda-entry.js';
import { sweepExpiredUploads } from '../upload/sweep-expired-uploads.js';
import { runDueDailyJobs } from './daily-jobs.js';

// EventBridge, once a day: abandoned uploads, then memories, trash and deleted users.
// The local runtime runs the same two functions on its own timer.
export const handler = lambdaEntry<unknown, { sweep: Awaited<ReturnType<typeof sweepExpiredUploads>>; daily: Record<string, number> }>(
  (ports) => async () => ({ sweep: await sweepExpiredUploads(ports), daily: await runDueDailyJobs(ports) }),
);
