import { z } from 'zod';
import { BadRequest, NotFound } from '../errors.js';
import type { Queryable } from '../ports/database.js';

/**
 * Immich's licences (Immich's "supporter" keys): a server key (IMSV-…) an admin activates for
 * the whole server, and a client key (IMCL-…, or a server key) a user activates for themselves.
 * Shoebox unlocks nothing with them and only keeps what was activated, so that Immich's clients
 * show a household's purchase as they did before the switch.
 *
 * Immich checks the activation key's RSA signature with its own public keys. Shoebox ships no
 * copy of Immich's keys, so it checks the form only: the key's shape, and an activation key that
 * is a base64url RSA-2048 signature (256 bytes). A made-up key of the right shape is accepted.
 */
export const LicenseKey = z.object({
  licenseKey: z.string().regex(/^IM(SV|CL)(-[\dA-Za-z]{4}){8}$/, 'licenseKey must be an Immich licence key'),
  activationKey: z.string().min(1).max(1000),
});
export type LicenseKey = z.infer<typeof LicenseKey>;
export interface License extends LicenseKey {
  activatedAt: string;
}

const RSA_2048_SIGNATURE_BYTES = 256;

/** The licence as activated now, or 400 'Invalid license key' (Immich's words) when it cannot be one. */
function activate(key: LicenseKey, kind: 'server' | 'user', now: Date): License {
  const prefixes = kind === 'server' ? ['IMSV-'] : ['IMSV-', 'IMCL-'];
  const signature = /^[\w-]+$/.test(key.activationKey) ? Buffer.from(key.activationKey, 'base64url') : Buffer.alloc(0);
  if (!prefixes.some((p) => key.licenseKey.startsWith(p)) || signature.length !== RSA_2048_SIGNATURE_BYTES) {
    throw new BadRequest('Invalid license key');
  }
  return { licenseKey: key.licenseKey, activationKey: key.activationKey, activatedAt: now.toISOString() };
}

export async function readServerLicense(db: Queryable): Promise<License> {
  const { rows } = await db.query<{ value: License }>(`SELECT value FROM system_metadata WHERE key = 'license'`);
  if (!rows[0]) throw new NotFound('License not found');
  return rows[0].value;
}

export async function activateServerLicense(db: Queryable, key: LicenseKey, now: Date): Promise<License> {
  const license = activate(key, 'server', now);
  await db.query(
    `INSERT INTO system_metadata (key, value) VALUES ('license', $1)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
    [JSON.stringify(license)],
  );
  return license;
}

export async function removeServerLicense(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM system_metadata WHERE key = 'license'`);
}

/** Whether this server holds a licence (Immich's /server/about `licensed`). */
export async function serverIsLicensed(db: Queryable): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM system_metadata WHERE key = 'license'`);
  return rows.length > 0;
}

export async function readUserLicense(db: Queryable, userId: string): Promise<License> {
  const { rows } = await db.query<{ license: License | null }>('SELECT license FROM users WHERE id = $1', [userId]);
  if (!rows[0]?.license) throw new NotFound('License not found');
  return rows[0].license;
}

export async function activateUserLicense(db: Queryable, userId: string, key: LicenseKey, now: Date): Promise<License> {
  const license = activate(key, 'user', now);
  await db.query('UPDATE users SET license = $2 WHERE id = $1', [userId, JSON.stringify(license)]);
  return license;
}

export async function removeUserLicense(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET license = NULL WHERE id = $1', [userId]);
}
