import { Hono } from 'hono';
import { z } from 'zod';
import { hashPassword } from '../../core/auth/password.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { insertUser, storageUsage } from '../../core/users/user-queries.js';
import { userAdminDto } from './dto.js';

export const UserAdminCreate = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
  name: z.string().trim().min(1).max(200),
  isAdmin: z.boolean().default(false),
  quotaSizeInBytes: z.number().int().nonnegative().nullable().default(null),
  shouldChangePassword: z.boolean().default(false),
});

export const userRoutes = new Hono<ApiEnv>()
  .get('/users/me', authenticate, async (c) => {
    const { user } = c.var.auth;
    return c.json(userAdminDto(user, await storageUsage(c.var.ports.db, user.id)));
  })
  .post('/admin/users', authenticate, requireAdmin, async (c) => {
    const body = await jsonBody(c, UserAdminCreate);
    const user = await insertUser(c.var.ports.db, {
      email: body.email,
      name: body.name,
      passwordHash: await hashPassword(body.password),
      isAdmin: body.isAdmin,
      shouldChangePassword: body.shouldChangePassword,
      quotaSizeBytes: body.quotaSizeInBytes,
    });
    if (!user) throw new BadRequest('A user with this email already exists');
    return c.json(userAdminDto(user, 0), 201);
  });
