import { Hono } from 'hono';
import { z } from 'zod';
import { requireNotificationOwner } from '../../core/access/access.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import { previewEmailTemplate } from '../../core/notifications/email-templates.js';
import {
  createNotification,
  deleteNotifications,
  getNotification,
  markNotifications,
  NotificationCreate,
  NotificationDeleteAll,
  NotificationSearch,
  NotificationUpdate,
  NotificationUpdateAll,
  searchNotifications,
} from '../../core/notifications/notifications.js';
import { getUser } from '../../core/users/user-queries.js';

export { NotificationCreate, NotificationDeleteAll, NotificationUpdate, NotificationUpdateAll };
/** Immich's TemplateDto: the admin's wording to preview. */
export const TemplatePreview = z.object({ template: z.string().max(100_000) });
/** Immich's SystemConfigSmtpDto, as the settings page sends it for a test e-mail. */
export const TestEmail = z.object({ enabled: z.boolean().optional(), from: z.string().max(500).optional(), replyTo: z.string().max(500).optional(), transport: z.record(z.string(), z.unknown()).optional() }).loose();

/** Immich's notifications: a user's own messages (read, unread, deleted), and the admin's tools for them. */
export const notificationRoutes = new Hono<ApiEnv>()
  .get('/notifications', authenticate, async (c) => c.json(await searchNotifications(c.var.ports.db, c.var.auth.user.id, NotificationSearch.parse(c.req.query()))))
  .put('/notifications', authenticate, async (c) => {
    const body = await jsonBody(c, NotificationUpdateAll);
    await requireNotificationOwner(c.var.ports.db, c.var.auth, body.ids, 'notification.update');
    await markNotifications(c.var.ports.db, body.ids, body.readAt);
    return c.body(null, 204);
  })
  .delete('/notifications', authenticate, async (c) => {
    const body = await jsonBody(c, NotificationDeleteAll);
    await requireNotificationOwner(c.var.ports.db, c.var.auth, body.ids, 'notification.delete');
    await deleteNotifications(c.var.ports.db, body.ids);
    return c.body(null, 204);
  })
  .get('/notifications/:id', authenticate, async (c) => {
    const id = uuidParam(c);
    await requireNotificationOwner(c.var.ports.db, c.var.auth, [id], 'notification.read');
    const found = await getNotification(c.var.ports.db, id);
    if (!found) throw new BadRequest('Notification not found');
    return c.json(found);
  })
  .put('/notifications/:id', authenticate, async (c) => {
    const id = uuidParam(c);
    const body = await jsonBody(c, NotificationUpdate);
    await requireNotificationOwner(c.var.ports.db, c.var.auth, [id], 'notification.update');
    await markNotifications(c.var.ports.db, [id], body.readAt);
    return c.json((await getNotification(c.var.ports.db, id))!);
  })
  .delete('/notifications/:id', authenticate, async (c) => {
    const id = uuidParam(c);
    await requireNotificationOwner(c.var.ports.db, c.var.auth, [id], 'notification.delete');
    await deleteNotifications(c.var.ports.db, [id]);
    return c.body(null, 204);
  })
  .use('/admin/notifications', authenticate, requireAdmin)
  .use('/admin/notifications/*', authenticate, requireAdmin)
  .post('/admin/notifications', async (c) => {
    const body = await jsonBody(c, NotificationCreate);
    const user = await getUser(c.var.ports.db, body.userId);
    if (!user || user.deletedAt) throw new BadRequest('User not found');
    return c.json(await createNotification(c.var.ports.db, body), 201);
  })
  .post('/admin/notifications/templates/:name', async (c) => {
    const body = await jsonBody(c, TemplatePreview);
    return c.json(previewEmailTemplate(c.req.param('name'), body.template));
  })
  // Immich verifies the SMTP server and sends one; Shoebox has no mail sender to verify with.
  .post('/admin/notifications/test-email', async (c) => {
    await jsonBody(c, TestEmail);
    throw new BadRequest('Failed to verify SMTP configuration: Shoebox does not send e-mail (SMTP is not supported yet); notifications appear in the app');
  });
