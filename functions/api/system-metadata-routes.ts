import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { placeDataState } from '../../core/places/reverse-geocode.js';

/** Immich's OnboardingDto and AdminOnboardingUpdateDto. */
export const OnboardingUpdate = z.object({ isOnboarded: z.boolean() });
/** Immich's VersionCheckStateResponseDto: Shoebox never asks the internet for new releases (no network but what the user configured). */
export const VERSION_CHECK_STATE = { checkedAt: null, releaseVersion: null } as const;

/** Immich's /system-metadata: admin-only state Immich's admin pages show. */
export const systemMetadataRoutes = new Hono<ApiEnv>()
  .use('/system-metadata/*', authenticate, requireAdmin)
  // Immich 3 has no onboarding left: it is always done, and marking it is a no-op.
  .get('/system-metadata/admin-onboarding', (c) => c.json({ isOnboarded: true }))
  .post('/system-metadata/admin-onboarding', async (c) => {
    await jsonBody(c, OnboardingUpdate);
    return c.body(null, 204);
  })
  .get('/system-metadata/reverse-geocoding-state', (c) => c.json(placeDataState()))
  .get('/system-metadata/version-check-state', (c) => c.json(VERSION_CHECK_STATE));
