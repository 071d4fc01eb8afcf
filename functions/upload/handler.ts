import { lambdaEntry } from '../../adapters/lambda-entry.js';
import { sweepExpiredUploads } from './sweep-expired-uploads.js';

// Scheduled (EventBridge on AWS, a timer locally): clears abandoned uploads, re-announces lost ones.
// The upload HTTP routes are served by the API function (functions/api mounts ./routes.ts).
export const sweepHandler = lambdaEntry<unknown, Awaited<ReturnType<typeof sweepExpiredUploads>>>((ports) => () => sweepExpiredUploads(ports));
