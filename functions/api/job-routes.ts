import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { requeueMlJobs } from '../../core/ml/requeue-ml-jobs.js';
import { QueueNames } from '../../core/ports/queue.js';

const QueueName = z.enum(QueueNames);
/** Immich's job names for the ML stages, and what `PUT /jobs/{name}` asks of them. */
const ML_JOBS = { smartSearch: 'embed', faceDetection: 'faces', duplicateDetection: 'duplicates' } as const;
export const JobCommand = z.object({ command: z.literal('start'), force: z.boolean().default(false) });

/** Queue health for admins, in the shape of Immich's GET /jobs, plus dead letters and redrive. */
export const jobRoutes = new Hono<ApiEnv>()
  .use('/jobs', authenticate, requireAdmin)
  .use('/jobs/*', authenticate, requireAdmin)
  .get('/jobs', async (c) => {
    const entries = await Promise.all(
      QueueNames.map(async (name) => {
        const stats = await c.var.ports.queue.stats(name);
        return [
          name,
          {
            jobCounts: { active: stats.inFlight, waiting: stats.waiting, failed: stats.dead, delayed: 0, completed: 0, paused: 0 },
            queueStatus: { isActive: stats.inFlight > 0, isPaused: false },
          },
        ] as const;
      }),
    );
    return c.json(Object.fromEntries(entries));
  })
  .get('/jobs/:name/dead-letters', async (c) => {
    const name = QueueName.parse(c.req.param('name'));
    return c.json(await c.var.ports.queue.deadLetters(name, 100));
  })
  .put('/jobs/:name', async (c) => {
    const name = z.enum(['smartSearch', 'faceDetection', 'duplicateDetection']).parse(c.req.param('name'));
    const { force } = await jsonBody(c, JobCommand);
    return c.json({ queued: await requeueMlJobs(c.var.ports, ML_JOBS[name], force ? 'all' : 'missing') });
  })
  .post('/jobs/:name/redrive', async (c) => {
    const name = QueueName.parse(c.req.param('name'));
    return c.json({ redriven: await c.var.ports.queue.redrive(name) });
  });
