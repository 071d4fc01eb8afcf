import { Hono } from 'hono';
import { z } from 'zod';
import { assetStatistics } from '../../core/assets/asset-queries.js';
import { hashPassword } from '../../core/auth/password.js';
import { BadRequest, NotFound } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, forgetUserCredentials, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import { activateUserLicense, LicenseKey, readUserLicense, removeUserLicense } from '../../core/licenses/licenses.js';
import {
  countActiveAdmins,
  getUser,
  insertUser,
  listUsers,
  markUserDeleted,
  restoreUser,
  storageUsage,
  updateUser,
  usageByUser,
  type User,
} from '../../core/users/user-queries.js';
import type { Queryable } from '../../core/ports/database.js';
import { purgeUser } from '../../core/users/user-removal.js';
import { AVATAR_COLORS, readPreferences, updatePreferences, UserPreferencesUpdate } from '../../core/users/user-preferences.js';
import { userAdminDto, userDto } from './dto.js';
import { listSessions } from '../../core/auth/sessions.js';
import { mediaResponse } from '../../core/http/media-response.js';
import { receiveMultipartFile } from '../../core/http/multipart-file.js';
import { calendarHeatmap, CalendarHeatmapQuery } from '../../core/users/calendar-heatmap.js';
import { PROFILE_IMAGE_MAX_BYTES, profileImageOf, removeProfileImage, saveProfileImage } from '../../core/users/profile-images.js';
import { sessionDto } from './session-routes.js';
import { OnboardingUpdate } from './system-metadata-routes.js';

const Quota = z.number().int().nonnegative().nullable();
export const UserAdminCreate = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
  name: z.string().trim().min(1).max(200),
  isAdmin: z.boolean().default(false),
  quotaSizeInBytes: Quota.default(null),
  // As in Immich: someone given a password by the admin picks their own at first sign-in.
  shouldChangePassword: z.boolean().default(true),
  /** Immich's welcome e-mail; Shoebox sends no e-mail, so it is accepted and does nothing. */
  notify: z.boolean().optional(),
});
export const UserAdminUpdate = z.strictObject({
  email: z.email().max(254).optional(),
  password: z.string().min(1).max(1024).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  isAdmin: z.boolean().optional(),
  quotaSizeInBytes: Quota.optional(),
  shouldChangePassword: z.boolean().optional(),
  storageLabel: z.string().trim().max(100).nullable().optional(),
  avatarColor: z.string().max(20).nullable().optional(),
  /** Sent back by clients that edit the whole user; a profile picture is changed by uploading one, so it is ignored. */
  profileImagePath: z.string().max(1000).optional(),
});
/** Immich's `UserUpdateMeDto`. */
export const UserUpdateMe = z.strictObject({
  email: z.email().max(254).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  /** Refused: a session alone must not be able to change the password (POST /auth/change-password asks for the current one). */
  password: z.string().max(1024).optional(),
  avatarColor: z.enum(AVATAR_COLORS).optional(),
});
export const UserAdminDelete = z.object({ force: z.boolean().default(false) });

async function existingUser(db: Queryable, id: string): Promise<User> {
  const user = z.uuid().safeParse(id).success ? await getUser(db, id) : undefined;
  if (!user) throw new BadRequest('Not found: no such user');
  return user;
}

/** The last admin cannot be demoted or deleted: someone must be able to run the server. */
async function keepAnAdmin(db: Queryable, user: User): Promise<void> {
  if (user.isAdmin && !user.deletedAt && (await countActiveAdmins(db)) <= 1) {
    throw new BadRequest('This is the only admin; make another user admin first');
  }
}

export const userRoutes = new Hono<ApiEnv>()
  .get('/users/me', authenticate, async (c) => {
    const { user } = c.var.auth;
    return c.json(userAdminDto(user, await storageUsage(c.var.ports.db, user.id)));
  })
  .put('/users/me', authenticate, async (c) => {
    const body = await jsonBody(c, UserUpdateMe);
    if (body.password !== undefined) throw new BadRequest('Change your password with POST /api/auth/change-password, which asks for the current one');
    const { db } = c.var.ports;
    const { user } = c.var.auth;
    const updated = await updateUser(db, user.id, { email: body.email, name: body.name, avatarColor: body.avatarColor }).catch((error: { code?: string }) => {
      if (error.code === '23505') throw new BadRequest('Email is not available');
      throw error;
    });
    forgetUserCredentials(user.id);
    return c.json(userAdminDto(updated!, await storageUsage(db, user.id)));
  })
  .get('/users/me/preferences', authenticate, async (c) => c.json(await readPreferences(c.var.ports.db, c.var.auth.user.id)))
  .put('/users/me/preferences', authenticate, async (c) => {
    const body = await jsonBody(c, UserPreferencesUpdate);
    const preferences = await updatePreferences(c.var.ports.db, c.var.auth.user.id, body);
    if (body.avatar?.color) forgetUserCredentials(c.var.auth.user.id);
    return c.json(preferences);
  })
  .get('/users/me/license', authenticate, async (c) => c.json(await readUserLicense(c.var.ports.db, c.var.auth.user.id)))
  .put('/users/me/license', authenticate, async (c) => {
    const { db, clock } = c.var.ports;
    const license = await activateUserLicense(db, c.var.auth.user.id, await jsonBody(c, LicenseKey), clock.now());
    forgetUserCredentials(c.var.auth.user.id);
    return c.json(license);
  })
  .delete('/users/me/license', authenticate, async (c) => {
    await removeUserLicense(c.var.ports.db, c.var.auth.user.id);
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  })
  // Immich 3 has no onboarding left: it is always done, and marking it is a no-op.
  .get('/users/me/onboarding', authenticate, (c) => c.json({ isOnboarded: true }))
  .put('/users/me/onboarding', authenticate, async (c) => {
    await jsonBody(c, OnboardingUpdate);
    return c.json({ isOnboarded: true });
  })
  .delete('/users/me/onboarding', authenticate, (c) => c.body(null, 204))
  .get('/users', authenticate, async (c) => c.json((await listUsers(c.var.ports.db, false)).map(userDto)))
  .get('/users/me/calendar-heatmap', authenticate, async (c) =>
    c.json(await calendarHeatmap(c.var.ports.db, c.var.auth.user.id, CalendarHeatmapQuery.parse(c.req.query()), c.var.ports.clock.now())),
  )
  // Immich's multipart form with one `file`, stored as sent.
  .post('/users/profile-image', authenticate, async (c) => {
    const bytes = await receiveMultipartFile(c.req.raw, { field: 'file', maxBytes: PROFILE_IMAGE_MAX_BYTES }, async (file) => {
      const chunks: Buffer[] = [];
      for await (const chunk of file) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    });
    const saved = await saveProfileImage(c.var.ports.db, c.var.ports.store, c.var.auth.user.id, bytes);
    forgetUserCredentials(c.var.auth.user.id);
    return c.json(saved, 201);
  })
  .delete('/users/profile-image', authenticate, async (c) => {
    await removeProfileImage(c.var.ports.db, c.var.ports.store, c.var.auth.user.id);
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  })
  .get('/users/:id/profile-image', authenticate, async (c) => {
    const { store, db } = c.var.ports;
    const picture = await profileImageOf(db, uuidParam(c));
    const missing = new NotFound('User does not have a profile image');
    if (!picture) throw missing;
    // Its key changes with every new picture: a client may keep it (Immich's clients ask with profileChangedAt).
    const response = await mediaResponse(c.req.raw, { head: () => store.head(picture.key), read: (range) => store.read(picture.key, range) }, {
      contentType: picture.contentType,
      disposition: 'inline',
      cache: 'derived',
    });
    if (!response) throw missing;
    return response;
  })
  .get('/users/:id', authenticate, async (c) => {
    const user = await getUser(c.var.ports.db, uuidParam(c));
    if (!user || user.deletedAt) throw new NotFound('User not found');
    return c.json(userDto(user));
  })
  .use('/admin/users', authenticate, requireAdmin)
  .use('/admin/users/*', authenticate, requireAdmin)
  .get('/admin/users/:id/calendar-heatmap', async (c) => {
    const user = await getUser(c.var.ports.db, uuidParam(c));
    if (!user) throw new NotFound('User not found');
    return c.json(await calendarHeatmap(c.var.ports.db, user.id, CalendarHeatmapQuery.parse(c.req.query()), c.var.ports.clock.now()));
  })
  .get('/admin/users/:id/sessions', async (c) => {
    const user = await getUser(c.var.ports.db, uuidParam(c));
    if (!user) throw new NotFound('User not found');
    return c.json((await listSessions(c.var.ports.db, user.id, c.var.ports.clock.now())).map((s) => sessionDto(s)));
  })
  .get('/admin/users', async (c) => {
    const withDeleted = c.req.query('withDeleted') === 'true';
    const { db } = c.var.ports;
    const usage = new Map((await usageByUser(db)).map((u) => [u.userId, u.usage]));
    return c.json((await listUsers(db, withDeleted)).map((u) => userAdminDto(u, usage.get(u.id) ?? 0)));
  })
  .post('/admin/users', async (c) => {
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
  })
  .get('/admin/users/:id', async (c) => {
    const user = await existingUser(c.var.ports.db, c.req.param('id'));
    return c.json(userAdminDto(user, await storageUsage(c.var.ports.db, user.id)));
  })
  .put('/admin/users/:id', async (c) => {
    const body = await jsonBody(c, UserAdminUpdate);
    const { db } = c.var.ports;
    const user = await existingUser(db, c.req.param('id'));
    if (body.isAdmin === false) await keepAnAdmin(db, user);
    const { password, quotaSizeInBytes, profileImagePath: _ignored, ...rest } = body;
    const updated = await updateUser(db, user.id, {
      ...rest,
      ...(password ? { passwordHash: await hashPassword(password) } : {}),
      ...(quotaSizeInBytes !== undefined ? { quotaSizeBytes: quotaSizeInBytes } : {}),
    }).catch((error: { code?: string }) => {
      if (error.code === '23505') throw new BadRequest('Email is not available');
      throw error;
    });
    forgetUserCredentials(user.id);
    return c.json(userAdminDto(updated!, await storageUsage(db, user.id)));
  })
  .delete('/admin/users/:id', async (c) => {
    const { force } = await jsonBody(c, UserAdminDelete);
    const { db } = c.var.ports;
    const user = await existingUser(db, c.req.param('id'));
    if (user.id === c.var.auth.user.id) throw new BadRequest('You cannot delete your own account here');
    await keepAnAdmin(db, user);
    const deleted = await markUserDeleted(db, user.id, force);
    if (!deleted) throw new BadRequest('This user is already being removed');
    forgetUserCredentials(user.id);
    if (force) {
      // At once, as Immich does, so the email is free again; what a failure leaves, the daily job finishes.
      await purgeUser(db, c.var.ports.store, user.id).catch((error: unknown) =>
        c.var.ports.logger.warn('user removal left for the daily job', { userId: user.id, error: String(error) }),
      );
    }
    return c.json(userAdminDto(deleted));
  })
  .post('/admin/users/:id/restore', async (c) => {
    const { db } = c.var.ports;
    const user = await existingUser(db, c.req.param('id'));
    const restored = await restoreUser(db, user.id);
    if (!restored) throw new BadRequest('Only a deleted user whose files are not yet removed can be restored');
    return c.json(userAdminDto(restored, await storageUsage(db, user.id)));
  })
  .get('/admin/users/:id/preferences', async (c) => {
    const user = await existingUser(c.var.ports.db, c.req.param('id'));
    return c.json(await readPreferences(c.var.ports.db, user.id));
  })
  .put('/admin/users/:id/preferences', async (c) => {
    const body = await jsonBody(c, UserPreferencesUpdate);
    const user = await existingUser(c.var.ports.db, c.req.param('id'));
    const preferences = await updatePreferences(c.var.ports.db, user.id, body);
    if (body.avatar?.color) forgetUserCredentials(user.id);
    return c.json(preferences);
  })
  .get('/admin/users/:id/statistics', async (c) => {
    const { db } = c.var.ports;
    const user = await existingUser(db, c.req.param('id'));
    return c.json(await assetStatistics(db, { ownerId: user.id, withLocked: true }, { isTrashed: false }));
  })
  .get('/server/statistics', authenticate, requireAdmin, async (c) => {
    const usage = await usageByUser(c.var.ports.db);
    const sum = (pick: (u: (typeof usage)[number]) => number) => usage.reduce((total, u) => total + Number(pick(u)), 0);
    return c.json({
      photos: sum((u) => u.photos),
      videos: sum((u) => u.videos),
      usage: sum((u) => u.usage),
      usagePhotos: sum((u) => u.usagePhotos),
      usageVideos: sum((u) => u.usageVideos),
      usageByUser: usage,
    });
  });
