import { BadRequest, TooManyRequests } from '../errors.js';
import type { Queryable } from '../ports/database.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';

/**
 * The locked folder's key (Immich's PIN code): a user's six digits, stored as a password is.
 * Entering it unlocks one session for UNLOCKED_MS; while that session is used the unlock is
 * stretched to at least EXTENDED_MS ahead, so browsing never locks mid-way, and leaving it
 * alone locks it. Immich's rules and messages throughout.
 */
export const UNLOCKED_MS = 15 * 60_000;
const EXTENDED_MS = 5 * 60_000;

/**
 * Six digits are a million guesses: after 10 wrong ones in 15 minutes a user's PIN is refused
 * for the rest of the window, whatever the session (a stolen session cannot walk the space).
 */
const guesses = new LoginThrottle(10, 15 * 60_000);

/** A PIN, or the account password in its place (resetting a forgotten PIN). */
export interface PinProof {
  pinCode?: string | undefined;
  password?: string | undefined;
}

interface Secrets {
  pinCodeHash: string | null;
  passwordHash: string | null;
}

async function secrets(db: Queryable, userId: string): Promise<Secrets> {
  const { rows } = await db.query<Secrets>('SELECT pin_code_hash AS "pinCodeHash", password_hash AS "passwordHash" FROM users WHERE id = $1', [userId]);
  return rows[0] ?? { pinCodeHash: null, passwordHash: null };
}

/** Which sign-in secrets the user has: a PIN code, a password (Immich's auth status). */
export async function secretsSet(db: Queryable, userId: string): Promise<{ pinCode: boolean; password: boolean }> {
  const found = await secrets(db, userId);
  return { pinCode: found.pinCodeHash !== null, password: found.passwordHash !== null };
}

export async function setUpPinCode(db: Queryable, userId: string, pinCode: string): Promise<void> {
  const hash = await hashPassword(pinCode);
  const { rowCount } = await db.query('UPDATE users SET pin_code_hash = $2 WHERE id = $1 AND pin_code_hash IS NULL', [userId, hash]);
  if (rowCount === 0) throw new BadRequest('User already has a PIN code');
}

export async function changePinCode(db: Queryable, userId: string, proof: PinProof, newPinCode: string, now: Date): Promise<void> {
  await requirePinProof(db, userId, proof, now);
  await db.query('UPDATE users SET pin_code_hash = $2 WHERE id = $1', [userId, await hashPassword(newPinCode)]);
}

/** Removes the PIN (a new one may then be set) and locks every session of the user. */
export async function resetPinCode(db: Queryable, userId: string, proof: PinProof, now: Date): Promise<void> {
  await requirePinProof(db, userId, proof, now);
  await db.query('UPDATE users SET pin_code_hash = NULL WHERE id = $1', [userId]);
  await db.query('UPDATE sessions SET pin_expires_at = NULL WHERE user_id = $1', [userId]);
}

export async function unlockSession(db: Queryable, userId: string, sessionId: string, pinCode: string | undefined, now: Date): Promise<void> {
  await requirePinProof(db, userId, { pinCode }, now);
  await db.query('UPDATE sessions SET pin_expires_at = $2 WHERE id = $1', [sessionId, new Date(now.getTime() + UNLOCKED_MS)]);
}

export async function lockSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query('UPDATE sessions SET pin_expires_at = NULL WHERE id = $1', [sessionId]);
}

/**
 * Whether a session is unlocked now, read from the database every time (never from a cache,
 * so locking takes effect at once everywhere), stretching an unlock that is about to end.
 */
export async function sessionUnlockedUntil(db: Queryable, sessionId: string, now: Date): Promise<Date | undefined> {
  const { rows } = await db.query<{ until: Date | null }>('SELECT pin_expires_at AS until FROM sessions WHERE id = $1', [sessionId]);
  const until = rows[0]?.until;
  if (!until || until <= now) return undefined;
  // Stretched only once it has a minute less than EXTENDED_MS left: one write a minute at most.
  if (until.getTime() - now.getTime() >= EXTENDED_MS - 60_000) return until;
  const extended = new Date(now.getTime() + EXTENDED_MS);
  await db.query('UPDATE sessions SET pin_expires_at = $2 WHERE id = $1 AND pin_expires_at IS NOT NULL', [sessionId, extended]);
  return extended;
}

/** Immich's validatePinCode: the password when one is given, else the PIN; wrong guesses are counted. */
async function requirePinProof(db: Queryable, userId: string, proof: PinProof, now: Date): Promise<void> {
  const found = await secrets(db, userId);
  if (!found.pinCodeHash) throw new BadRequest('User does not have a PIN code');
  if (!proof.password && !proof.pinCode) throw new BadRequest('Either password or pinCode is required');
  const wait = guesses.retryAfterMs(userId, now.getTime());
  if (wait > 0) throw new TooManyRequests(`Too many wrong PIN codes; try again in ${Math.ceil(wait / 60_000)} minutes`);
  const ok = proof.password ? await verifyPassword(proof.password, found.passwordHash) : await verifyPassword(proof.pinCode!, found.pinCodeHash);
  if (!ok) {
    guesses.recordFailure(userId, now.getTime());
    throw new BadRequest(proof.password ? 'Wrong password' : 'Wrong PIN code');
  }
  guesses.recordSuccess(userId);
}
