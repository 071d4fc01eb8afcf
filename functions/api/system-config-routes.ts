import { Hono, type Context } from 'hono';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { addLiveNotice } from '../../core/sync/live-events.js';
import { defaultMlSettings } from '../../core/ml/ml-settings.js';
import { StorageTemplate } from '../../core/system-config/storage-template.js';
import { publicConfig, readSystemConfig, systemConfigDefaults, SystemConfigUpdate, userVisibleConfig, writeSystemConfig, type SystemConfig } from '../../core/system-config/system-config.js';

export { SystemConfigUpdate };

const current = async (c: Context<ApiEnv>) => c.json(await readSystemConfig(c.var.ports.db, c.var.ports.config));
const defaultDocument = (c: Context<ApiEnv>): SystemConfig => ({ ...systemConfigDefaults(c.var.ports.config), machineLearning: defaultMlSettings(c.var.ports.config) }) as SystemConfig;
const defaults = (c: Context<ApiEnv>) => c.json(defaultDocument(c));
const update = async (c: Context<ApiEnv>) => {
  const body = await jsonBody(c, SystemConfigUpdate);
  await writeSystemConfig(c.var.ports.db, body);
  await addLiveNotice(c.var.ports.db, 'on_config_update', undefined);
  return current(c);
};

/** Immich's whole settings document: /system-config (Immich 3.0) and /admin/config (its newer name, SDK 3.2). */
export const systemConfigRoutes = new Hono<ApiEnv>()
  .use('/system-config', authenticate, requireAdmin)
  .use('/system-config/*', authenticate, requireAdmin)
  .use('/admin/config', authenticate, requireAdmin)
  .use('/admin/config/*', authenticate, requireAdmin)
  .get('/system-config', current)
  .get('/admin/config', current)
  .get('/system-config/defaults', defaults)
  .get('/admin/config/defaults', defaults)
  .put('/system-config', update)
  .put('/admin/config', update)
  // Immich 3.2's views of the settings: for every signed-in client, and for the login page.
  .get('/config', authenticate, async (c) => c.json(userVisibleConfig(await readSystemConfig(c.var.ports.db, c.var.ports.config))))
  .get('/config/defaults', authenticate, (c) => c.json(userVisibleConfig(defaultDocument(c))))
  .get('/public/config', async (c) => c.json(publicConfig(await readSystemConfig(c.var.ports.db, c.var.ports.config))))
  .get('/public/config/defaults', (c) => c.json(publicConfig(defaultDocument(c))))
  // What Immich's storage-template settings page offers (Shoebox keeps originals by id; see storage-template.ts).
  .get('/system-config/storage-template-options', (c) => c.json(StorageTemplate.options));
