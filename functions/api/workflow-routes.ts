import { Hono } from 'hono';
import { z } from 'zod';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import { PLUGIN, pluginDto, TEMPLATES } from '../../core/workflows/shoebox-plugin.js';
import {
  createWorkflow,
  deleteWorkflow,
  ownWorkflow,
  searchWorkflows,
  updateWorkflow,
  WORKFLOW_TRIGGERS,
  WorkflowCreate,
  WorkflowLogQuery,
  WorkflowSearch,
  WorkflowUpdate,
  workflowLogs,
} from '../../core/workflows/workflows.js';

export { WorkflowCreate, WorkflowUpdate };

const PluginSearch = z.object({ id: z.string().optional(), name: z.string().optional(), enabled: z.string().optional() }).loose();
const notFound = () => new BadRequest('Not found or no workflow.read access');

/** Immich 3's workflows (a user's rules for their new assets) and the plugin their steps come from. */
export const workflowRoutes = new Hono<ApiEnv>()
  .use('/workflows', authenticate)
  .use('/workflows/*', authenticate)
  .use('/plugins', authenticate)
  .use('/plugins/*', authenticate)
  .get('/workflows/triggers', (c) => c.json(WORKFLOW_TRIGGERS.map((trigger) => ({ trigger, types: ['AssetV1'] }))))
  .get('/workflows', async (c) => c.json(await searchWorkflows(c.var.ports.db, c.var.auth.user.id, WorkflowSearch.parse(c.req.query()))))
  .post('/workflows', async (c) => c.json(await createWorkflow(c.var.ports.db, c.var.auth.user.id, await jsonBody(c, WorkflowCreate)), 201))
  .get('/workflows/:id', async (c) => {
    const found = await ownWorkflow(c.var.ports.db, c.var.auth.user.id, uuidParam(c));
    if (!found) throw notFound();
    return c.json(found);
  })
  .put('/workflows/:id', async (c) => {
    const id = uuidParam(c);
    const change = await jsonBody(c, WorkflowUpdate);
    const updated = await updateWorkflow(c.var.ports.db, c.var.auth.user.id, id, change);
    if (!updated) throw new BadRequest('Not found or no workflow.update access');
    return c.json(updated);
  })
  .delete('/workflows/:id', async (c) => {
    if (!(await deleteWorkflow(c.var.ports.db, c.var.auth.user.id, uuidParam(c)))) throw new BadRequest('Not found or no workflow.delete access');
    return c.body(null, 204);
  })
  .get('/workflows/:id/logs', async (c) => {
    const id = uuidParam(c);
    if (!(await ownWorkflow(c.var.ports.db, c.var.auth.user.id, id))) throw notFound();
    return c.json(await workflowLogs(c.var.ports.db, id, WorkflowLogQuery.parse(c.req.query())));
  })
  // What another Shoebox or Immich can import: the rule without its ids.
  .get('/workflows/:id/share', async (c) => {
    const found = await ownWorkflow(c.var.ports.db, c.var.auth.user.id, uuidParam(c));
    if (!found) throw notFound();
    return c.json({ name: found.name, description: found.description, trigger: found.trigger, steps: found.steps });
  })
  .get('/plugins', (c) => {
    const q = PluginSearch.parse(c.req.query());
    const matches = (q.id === undefined || q.id === PLUGIN.id) && (q.name === undefined || q.name === PLUGIN.name) && q.enabled !== 'false';
    return c.json(matches ? [pluginDto()] : []);
  })
  .get('/plugins/methods', (c) => c.json(pluginDto().methods))
  .get('/plugins/templates', (c) => c.json(TEMPLATES))
  .get('/plugins/:id', (c) => {
    if (c.req.param('id') !== PLUGIN.id) throw new BadRequest('Not found or no plugin.read access');
    return c.json(pluginDto());
  });
