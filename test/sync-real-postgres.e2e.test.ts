import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SYNC_TYPES } from './immich-shapes.js';
import { realPostgresMissing, startRealPostgres, type RealPostgres } from './real-postgres.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

const missing = realPostgresMissing();

/**
 * The sync stream on a real PostgreSQL (`DATABASE_URL`, as on one's own hardware or Aurora),
 * where writers run at once: a change whose transaction takes its sync number before another's
 * but commits after it must still reach the phone — the stream waits for writers in flight
 * (migration 0006) rather than acknowledge past a number it could not see.
 */
describe.skipIf(missing)(`the sync stream on a real PostgreSQL${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let postgres: RealPostgres;
  let runtime: TestRuntime;
  let ada: TestUser;
  let bea: TestUser;
  let cleo: TestUser;
  let session: string;

  beforeAll(async () => {
    postgres = await startRealPostgres();
    runtime = await startTestRuntime({ DATABASE_URL: postgres.url });
    const api = apiClient(runtime.url);
    ada = await api.signUpAdmin('ada@example.com', 'a long enough password');
    bea = await api.createUser(ada, 'bea@example.com');
    cleo = await api.createUser(ada, 'cleo@example.com');
    // Writers of different owners (one owner's writes queue on its library version row): partners, so Ada sees them all.
    for (const partner of [bea, cleo]) expect((await api.call('POST', '/partners', { key: partner.apiKey, body: { sharedWithId: ada.id } })).status).toBe(201);
    session = (await api.call<{ accessToken: string }>('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'a long enough password' } })).body.accessToken;
  }, 120_000);
  afterAll(async () => {
    await runtime?.close();
    await postgres?.stop();
  });

  /** One sync as the app runs it: the lines, then the last ack of each type sent back. */
  async function syncOnce(): Promise<{ type: string; data: Record<string, any> }[]> {
    const api = apiClient(runtime.url);
    const lines = await api.syncLines(session, APP_SYNC_TYPES);
    expect(await api.ackLast(session, lines)).toBe(204);
    return lines;
  }

  it('delivers a change that committed after a later one, never acknowledging past it', { timeout: 60_000 }, async () => {
    await syncOnce();
    const slow = new pg.Client({ connectionString: postgres.url });
    await slow.connect();
    try {
      // A writer that takes its number first and is slow to commit...
      await slow.query('BEGIN');
      const [late] = await insertSyntheticAssets(slow, bea.id, [{ localDateTime: '2025-05-05T10:00:00' }]);
      // ...and one that takes a later number and commits at once.
      const [early] = await insertSyntheticAssets(runtime.ports.db, ada.id, [{ localDateTime: '2025-07-05T11:00:00' }]);
      const streaming = syncOnce();
      const waited = await Promise.race([streaming.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 1000))]);
      expect(waited, 'the stream waits for the writer in flight').toBe(true);
      await slow.query('COMMIT');
      const assets = (lines: { type: string; data: Record<string, any> }[]) => lines.filter((l) => l.type === 'AssetV2' || l.type === 'PartnerAssetV2').map((l) => l.data.id as string);
      const seen = new Set(assets(await streaming));
      for (const id of assets(await syncOnce())) seen.add(id);
      expect([...seen].sort()).toEqual([late!, early!].sort());
    } finally {
      await slow.end();
    }
  });

  it('lets writers run together, and rolled-back numbers hold nothing up', { timeout: 60_000 }, async () => {
    const a = new pg.Client({ connectionString: postgres.url });
    const b = new pg.Client({ connectionString: postgres.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      // Two open writers at once: neither waits for the other.
      await insertSyntheticAssets(a, cleo.id, [{ localDateTime: '2025-08-01T10:00:00' }]);
      const [kept] = await insertSyntheticAssets(b, ada.id, [{ localDateTime: '2025-09-01T11:00:00' }]);
      await a.query('ROLLBACK');
      await b.query('COMMIT');
      const ids = (await syncOnce()).filter((l) => l.type === 'AssetV2' || l.type === 'PartnerAssetV2').map((l) => l.data.id);
      expect(ids).toEqual([kept]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});
