import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { requeueMlJobs } from '../../core/ml/requeue-ml-jobs.js';
import { QueueNames, type Queue, type QueueName } from '../../core/ports/queue.js';
import { BadRequest } from '../../core/errors.js';

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
/** The queues whose stage `start` runs again over every ready asset (the others run per asset: POST /assets/jobs). */
const RERUNNABLE = ['smartSearch', 'faceDetection', 'duplicateDetection'] as const;
const rerunnable = (name: keyof typeof IMMICH_QUEUES): name is (typeof RERUNNABLE)[number] => (RERUNNABLE as readonly string[]).includes(name);
/** Immich's QueueCommandDto. */
export const JobCommand = z.object({ command: z.enum(['start', 'pause', 'resume', 'empty', 'clear-failed']), force: z.boolean().default(false) });

/** Immich's QueueResponseLegacyDto for one stage (or an idle one where Shoebox has no such queue). */
async function queueResponse(queue: Queue, stage: QueueName | null) {
  const stats = stage ? await queue.stats(stage) : { inFlight: 0, waiting: 0, dead: 0 };
  return {
    jobCounts: { active: stats.inFlight, waiting: stats.waiting, failed: stats.dead, delayed: 0, completed: 0, paused: 0 },
    queueStatus: { isActive: stats.inFlight > 0, isPaused: false },
  };
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
    if (command === 'start') {
      if (!rerunnable(name)) throw new BadRequest(`Starting ${name} for every asset is not supported; POST /api/assets/jobs runs it for chosen assets`);
      const queued = await requeueMlJobs(c.var.ports, IMMICH_QUEUES[name], force ? 'all' : 'missing');
      return c.json({ ...(await queueResponse(c.var.ports.queue, stage)), queued });
    }
    // Immich-go pauses the media queues while it uploads. Here the workers already give way to
    // uploads in progress, and a queue left paused by a client that died would hold every new
    // photo back: pause and resume are accepted and the stages keep running (isPaused: false).
    if (command === 'pause' || command === 'resume') return c.json(await queueResponse(c.var.ports.queue, stage));
    throw new BadRequest(`${command} is not supported: dead letters are retried with POST /api/jobs/{stage}/redrive`);
  })
  .post('/jobs/:name/redrive', async (c) => {
    const name = QueueName.parse(c.req.param('name'));
    return c.json({ redriven: await c.var.ports.queue.redrive(name) });
  });
