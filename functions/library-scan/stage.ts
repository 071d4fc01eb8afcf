import { LibraryScanJob } from '../../core/jobs.js';
import type { Stage } from '../../core/runtime/queue-handler.js';
import { scanLibrary, STAGE } from './scan-library.js';

/** One message per requested scan; a scan of the same request that already finished is not repeated. */
export const libraryStage: Stage<LibraryScanJob> = {
  name: STAGE,
  parse: (body) => [LibraryScanJob.parse(JSON.parse(body))],
  idempotencyKey: (job) => `${job.libraryId}:${job.requestedAt}`,
  run: async (job, ports) => {
    await scanLibrary(ports, job.libraryId);
  },
};
