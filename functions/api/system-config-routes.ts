import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { addLiveNotice } from '../../core/sync/live-events.js';
import { defaultMlSettings, MachineLearningSettings, readMlSettings, writeMlSettings } from '../../core/ml/ml-settings.js';

/** Immich's system-config document, with the sections Shoebox has settings for. */
export const SystemConfigUpdate = z.object({ machineLearning: MachineLearningSettings }).loose();

export const systemConfigRoutes = new Hono<ApiEnv>()
  .use('/system-config', authenticate, requireAdmin)
  .use('/system-config/*', authenticate, requireAdmin)
  .get('/system-config', async (c) => c.json({ machineLearning: await readMlSettings(c.var.ports.db, c.var.ports.config) }))
  .get('/system-config/defaults', (c) => c.json({ machineLearning: defaultMlSettings(c.var.ports.config) }))
  .put('/system-config', async (c) => {
    const body = await jsonBody(c, SystemConfigUpdate);
    await writeMlSettings(c.var.ports.db, body.machineLearning);
    await addLiveNotice(c.var.ports.db, 'on_config_update', undefined);
    return c.json({ machineLearning: await readMlSettings(c.var.ports.db, c.var.ports.config) });
  });
