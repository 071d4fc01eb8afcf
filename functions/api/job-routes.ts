import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { requeueMlJobs } from '../../core/ml/requeue-ml-jobs.js';
import { QueueNames, type Queue, type QueueName } from '../../core/ports/queue.js';
import { BadRequest } from '../../core/errors.js';
import { queueMissingWork } from '../../core/assets/queue-missing-work.js';
import type { Ports } from '../../core/runtime/ports.js';
import { requestScans } from '../library-scan/scan-library.js';

const QueueName = z.enum(QueueNames);
/** Immich's queue names, and the stage that does that work here (null: Shoebox has no such queue). */
const IMMICH_QUEUES = {
  thumbnailGeneration: 'thumbnail',
  metadataExtraction: 'metadata',
  videoConversion: 'transcode',
  faceDetection: 'faces',
  facialRecognition: 'faces',
  smartSearch: 'embed',
  duplicateDetection: 'duplicates',
  library: 'library',
  backgroundTask: null,
  backupDatabase: null,
  editor: null,
  integrityCheck: null,
  migration: null,
  notifications: null,
  ocr: null,
  search: null,
  sidecar: null,
  storageTemplateMigration: null,
  workflow: null,
} as const satisfies Record<string, QueueName | null>;
const ImmichQueue = z.enum(Object.keys(IMMICH_QUEUES) as [keyof typeof IMMICH_QUEUES, ...Array<keyof typeof IMMICH_QUEUES>]);
type ImmichQueue = z.infer<typeof ImmichQueue>;
/** The Immich job name of the work of each queue that Shoebox has a stage for. */
const IMMICH_JOB_NAMES: Partial<Record<ImmichQueue, string>> = {
  thumbnailGeneration: 'AssetGenerateThumbnails',
  metadataExtraction: 'AssetExtractMetadata',
  videoConversion: 'AssetEncodeVideo',
  faceDetection: 'AssetDetectFaces',
  facialRecognition: 'FacialRecognition',
  smartSearch: 'SmartSearch',
  duplicateDetection: 'AssetDetectDuplicates',
  library: 'LibraryScanQueueAll',
};
const JobStatus = z.enum(['active', 'failed', 'completed', 'delayed', 'waiting', 'paused']);
/** Immich's QueueJobSearchDto: `status` once or repeated; every status when absent. */
export const QueueJobSearch = z.object({ status: z.array(JobStatus).optional() });
/** Immich reads at most this many jobs of a queue. */
const JOB_LIST_LIMIT = 1000;

/**
 * Immich's QueueJobResponseDto for each job of a stage in the statuses asked. A stage's message
 * names its asset (or library); an upload's metadata job is S3's event, shown as sent. Finished
 * jobs are not kept, and where the queue cannot be looked into (SQS) only the failed ones show.
 */
async function queueJobs(queue: Queue, name: ImmichQueue, statuses: z.infer<typeof JobStatus>[]) {
  const stage = IMMICH_QUEUES[name];
  const jobName = IMMICH_JOB_NAMES[name];
  if (!stage || !jobName) return [];
  const paused = (await queue.stats(stage)).paused;
  const wanted = new Set(statuses);
  const lists = await Promise.all([
    wanted.has(paused ? 'paused' : 'waiting') ? queue.peek(stage, 'waiting', JOB_LIST_LIMIT) : [],
    wanted.has('active') ? queue.peek(stage, 'inFlight', JOB_LIST_LIMIT) : [],
    wanted.has('failed') ? queue.deadLetters(stage, JOB_LIST_LIMIT) : [],
  ]);
  return lists
    .flatMap((list) => list ?? [])
    .slice(0, JOB_LIST_LIMIT)
    .map((message) => ({ id: message.id, name: jobName, timestamp: message.sentAt.getTime(), data: jobData(message.body) }));
}

/** A message body as Immich's job data: `id` is the asset (or library) it is about. */
function jobData(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { body };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { body };
  const fields = parsed as Record<string, unknown>;
  const id = fields.assetId ?? fields.libraryId;
  return id === undefined ? fields : { id, ...fields };
}

/** Immich's QueueCommandDto. */
export const JobCommand = z.object({ command: z.enum(['start', 'pause', 'resume', 'empty', 'clear-failed']), force: z.boolean().default(false) });
/** Immich's QueueUpdateDto and QueueDeleteDto (the /queues API of Immich 3). */
export const QueueUpdate = z.object({ isPaused: z.boolean().optional() });
export const QueueDelete = z.object({ failed: z.boolean().optional() });

/**
 * A pause ends by itself after this long: immich-go pauses the media queues while it uploads
 * and resumes them at the end, and one that crashed must not hold every new photo back.
 */
const PAUSE_HOURS = 6;

/** Immich's queue statistics for one stage (an idle queue where Shoebox has no such stage): waiting jobs count as paused while it is. */
async function queueStatistics(queue: Queue, stage: QueueName | null) {
  const stats = stage ? await queue.stats(stage) : { inFlight: 0, waiting: 0, dead: 0, paused: false };
  return {
    statistics: { active: stats.inFlight, waiting: stats.paused ? 0 : stats.waiting, paused: stats.paused ? stats.waiting : 0, failed: stats.dead, delayed: 0, completed: 0 },
    isPaused: stats.paused,
  };
}

/** Immich's QueueResponseLegacyDto (GET/PUT /jobs). */
async function queueResponse(queue: Queue, stage: QueueName | null) {
  const { statistics, isPaused } = await queueStatistics(queue, stage);
  return { jobCounts: statistics, queueStatus: { isActive: statistics.active > 0, isPaused } };
}

/** Starts a stage's work over the library: what is missing, or (force) everything. */
async function startQueue(ports: Ports, name: ImmichQueue, force: boolean): Promise<number> {
  const which = force ? 'all' : 'missing';
  switch (name) {
    case 'metadataExtraction':
      return queueMissingWork(ports, 'metadata', which);
    case 'thumbnailGeneration':
      return queueMissingWork(ports, 'thumbnail', which);
    case 'videoConversion':
      return queueMissingWork(ports, 'transcode', which);
    case 'smartSearch':
      return requeueMlJobs(ports, 'embed', which);
    case 'faceDetection':
    case 'facialRecognition':
      return requeueMlJobs(ports, 'faces', which);
    case 'duplicateDetection':
      return requeueMlJobs(ports, 'duplicates', which);
    case 'library':
      return requestScans(ports);
    default:
      throw new BadRequest(`Shoebox has no ${name} queue to start`);
  }
}

/** Pauses (for PAUSE_HOURS at most) or resumes a stage; a queue Shoebox has not is never paused. */
async function setPaused(ports: Ports, stage: QueueName | null, paused: boolean): Promise<void> {
  if (!stage) return;
  if (paused) await ports.queue.pause(stage, new Date(ports.clock.now().getTime() + PAUSE_HOURS * 3_600_000));
  else await ports.queue.resume(stage);
}

/** Drops a stage's waiting jobs, and its dead letters too when asked (Immich's empty and clear-failed). */
async function emptyQueue(queue: Queue, stage: QueueName | null, which: { waiting: boolean; failed: boolean }): Promise<void> {
  if (!stage) return;
  if (which.waiting) await queue.purge(stage, 'waiting');
  if (which.failed) await queue.purge(stage, 'dead');
}

/** Queue health for admins, in the shape of Immich's GET /jobs, plus dead letters and redrive. */
export const jobRoutes = new Hono<ApiEnv>()
  .use('/jobs', authenticate, requireAdmin)
  .use('/jobs/*', authenticate, requireAdmin)
  .get('/jobs', async (c) => {
    const { queue } = c.var.ports;
    // Shoebox's stages by their own names (the admin page, dead letters), and Immich's queue names for Immich's clients.
    const own = Object.fromEntries(await Promise.all(QueueNames.map(async (name) => [name, await queueResponse(queue, name)] as const)));
    const idle = await queueResponse(queue, null);
    const immich = Object.fromEntries(Object.entries(IMMICH_QUEUES).map(([name, stage]) => [name, stage ? own[stage] : idle]));
    return c.json({ ...own, ...immich });
  })
  .get('/jobs/:name/dead-letters', async (c) => {
    const name = QueueName.parse(c.req.param('name'));
    return c.json(await c.var.ports.queue.deadLetters(name, 100));
  })
  .put('/jobs/:name', async (c) => {
    const name = ImmichQueue.parse(c.req.param('name'));
    const { command, force } = await jsonBody(c, JobCommand);
    const stage = IMMICH_QUEUES[name];
    const { ports } = c.var;
    if (command === 'start') {
      const queued = await startQueue(ports, name, force);
      return c.json({ ...(await queueResponse(ports.queue, stage)), queued });
    }
    if (command === 'pause' || command === 'resume') await setPaused(ports, stage, command === 'pause');
    // Failed jobs are the stage's dead letters (POST /api/jobs/{stage}/redrive retries them instead).
    await emptyQueue(ports.queue, stage, { waiting: command === 'empty', failed: command === 'clear-failed' });
    return c.json(await queueResponse(ports.queue, stage));
  })
  .post('/jobs/:name/redrive', async (c) => {
    const name = QueueName.parse(c.req.param('name'));
    return c.json({ redriven: await c.var.ports.queue.redrive(name) });
  });

/** Immich 3's queue API: each queue by its Immich name, paused and emptied as a whole. */
export const queueRoutes = new Hono<ApiEnv>()
  .use('/queues', authenticate, requireAdmin)
  .use('/queues/*', authenticate, requireAdmin)
  .get('/queues', async (c) =>
    c.json(await Promise.all(ImmichQueue.options.map(async (name) => ({ name, ...(await queueStatistics(c.var.ports.queue, IMMICH_QUEUES[name])) })))),
  )
  .get('/queues/:name', async (c) => {
    const name = ImmichQueue.parse(c.req.param('name'));
    return c.json({ name, ...(await queueStatistics(c.var.ports.queue, IMMICH_QUEUES[name])) });
  })
  .put('/queues/:name', async (c) => {
    const name = ImmichQueue.parse(c.req.param('name'));
    const body = await jsonBody(c, QueueUpdate);
    if (body.isPaused !== undefined) await setPaused(c.var.ports, IMMICH_QUEUES[name], body.isPaused);
    return c.json({ name, ...(await queueStatistics(c.var.ports.queue, IMMICH_QUEUES[name])) });
  })
  .get('/queues/:name/jobs', async (c) => {
    const name = ImmichQueue.parse(c.req.param('name'));
    const { status } = QueueJobSearch.parse({ status: c.req.queries('status') });
    return c.json(await queueJobs(c.var.ports.queue, name, status ?? JobStatus.options));
  })
  .delete('/queues/:name/jobs', async (c) => {
    const name = ImmichQueue.parse(c.req.param('name'));
    const body = await jsonBody(c, QueueDelete);
    await emptyQueue(c.var.ports.queue, IMMICH_QUEUES[name], { waiting: true, failed: body.failed === true });
    return c.body(null, 204);
  });
