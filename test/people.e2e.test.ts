import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { facePhoto as photoOf } from './media-samples.js';
import { writeTinyClipPack, writeTinyFacePack } from './model-packs.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

const RED = [230, 10, 10] as const;
const GREEN = [10, 230, 10] as const;
const BLUE = [10, 10, 230] as const;

describe('people', () => {
  let runtime: TestRuntime;
  let models: string;
  let api: ReturnType<typeof apiClient>;
  let alice: TestUser;
  let bob: TestUser;
  const photos: Record<string, string[]> = { red: [], green: [], blue: [] };

  const get = (user: TestUser, route: string) => api.call<any>('GET', route, { key: user.apiKey });
  const facesDone = (id: string) =>
    waitFor(async () => {
      const { rows } = await runtime.ports.db.query(`SELECT status FROM asset_job_status WHERE asset_id = $1 AND stage = 'faces'`, [id]);
      return rows[0]?.status === 'done' ? true : undefined;
    }, `faces of ${id}`);
  const upload = async (user: TestUser, colour: readonly [number, number, number], seed: number) => {
    const id = await api.upload(user, await photoOf(colour, seed), `face-${seed}.jpg`);
    await facesDone(id);
    return id;
  };

  beforeAll(async () => {
    models = await mkdtemp(path.join(os.tmpdir(), 'shoebox-models-'));
    await writeTinyFacePack(models);
    await writeTinyClipPack(models);
    runtime = await startTestRuntime({ SHOEBOX_MODELS: models });
    api = apiClient(runtime.url);
    alice = await api.signUpAdmin();
    bob = await api.createUser(alice, 'bob@example.com');
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(models, { recursive: true, force: true });
  });

  it('finds each face and groups them into a person once there are three', async () => {
    photos.red!.push(await upload(alice, RED, 1), await upload(alice, RED, 2));
    // Two faces are not yet a person: they wait, unassigned.
    expect((await get(alice, '/people')).body.people).toEqual([]);
    const faces = (await get(alice, `/faces?id=${photos.red![0]}`)).body;
    expect(faces).toHaveLength(1);
    expect(faces[0]).toMatchObject({ imageWidth: 640, imageHeight: 480, boundingBoxX1: 96, boundingBoxY1: 48, boundingBoxX2: 224, boundingBoxY2: 208, person: null });
    photos.red!.push(await upload(alice, RED, 3));
    const people = (await get(alice, '/people')).body;
    expect(people.total).toBe(1);
    const red = people.people[0];
    expect((await get(alice, `/people/${red.id}/statistics`)).body).toEqual({ assets: 3 });
    // The earlier two joined when the third arrived.
    expect((await get(alice, `/faces?id=${photos.red![0]}`)).body[0].person.id).toBe(red.id);
    // A fourth joins the person at once.
    photos.red!.push(await upload(alice, RED, 4));
    expect((await get(alice, `/people/${red.id}/statistics`)).body).toEqual({ assets: 4 });
    // The photo itself names who is in it, with the face's box, as Immich's asset response does.
    const asset = (await get(alice, `/assets/${photos.red![0]}`)).body;
    expect(asset.people).toEqual([expect.objectContaining({ id: red.id, faces: [expect.objectContaining({ boundingBoxX1: 96, boundingBoxY2: 208 })] })]);
  });

  it('names, dates, hides and shows a person; lists its photos; crops its face', async () => {
    const [red] = (await get(alice, '/people')).body.people;
    const renamed = await api.call<Json>('PUT', `/people/${red.id}`, { key: alice.apiKey, body: { name: 'Rosa', birthDate: '1990-04-01' } });
    expect(renamed.body).toMatchObject({ name: 'Rosa', birthDate: '1990-04-01', isHidden: false });
    await api.call('PUT', `/people/${red.id}`, { key: alice.apiKey, body: { isHidden: true } });
    expect((await get(alice, '/people')).body).toMatchObject({ total: 1, hidden: 1, people: [] });
    expect((await get(alice, '/people?withHidden=true')).body.people[0].name).toBe('Rosa');
    await api.call('PUT', `/people/${red.id}`, { key: alice.apiKey, body: { isHidden: false } });

    const month = (await get(alice, `/timeline/buckets?personId=${red.id}`)).body;
    expect(month.reduce((n: number, b: Json) => n + b.count, 0)).toBe(4);
    const found = (await api.call<Json>('POST', '/search/smart', { key: alice.apiKey, body: { query: 'red', personIds: [red.id] } })).body.assets.items;
    expect(found.map((a: Json) => a.id).sort()).toEqual([...photos.red!].sort());
    // The person page as Immich's web app asks for it: metadata search by person, newest first.
    const page = (await api.call<Json>('POST', '/search/metadata', { key: alice.apiKey, body: { personIds: [red.id], size: 2 } })).body.assets;
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(4);
    expect((await api.call<Json>('POST', '/search/metadata', { key: bob.apiKey, body: { personIds: [red.id] } })).body.assets.items).toEqual([]);

    const thumbnail = await fetch(`${runtime.url}/api/people/${red.id}/thumbnail`, { headers: { 'x-api-key': alice.apiKey } });
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const crop = sharp(Buffer.from(await thumbnail.arrayBuffer()));
    expect(await crop.metadata()).toMatchObject({ width: 250, height: 250 });
    const { channels } = await crop.stats();
    expect(channels[0]!.mean).toBeGreaterThan(channels[1]!.mean + 50); // the red face, not the grey background
  });

  it('moves a face to a new person, merges people, and re-clusters without losing hand-made moves', async () => {
    photos.green!.push(await upload(alice, GREEN, 5), await upload(alice, GREEN, 6));
    photos.blue!.push(await upload(alice, BLUE, 7));
    const greenFace = (await get(alice, `/faces?id=${photos.green![0]}`)).body[0];
    expect(greenFace.person).toBeNull();
    const gina = (await api.call<Json>('POST', '/people', { key: alice.apiKey, body: { name: 'Gina' } })).body;
    expect((await api.call('PUT', `/faces/${greenFace.id}`, { key: alice.apiKey, body: { id: gina.id } })).status).toBe(200);
    const blueFace = (await get(alice, `/faces?id=${photos.blue![0]}`)).body[0];
    const bea = (await api.call<Json>('POST', '/people', { key: alice.apiKey, body: { name: 'Bea' } })).body;
    await api.call('PUT', `/faces/${blueFace.id}`, { key: alice.apiKey, body: { id: bea.id } });

    // Into itself is refused outright, as Immich refuses it, and nothing is merged.
    const itself = await api.call<Json>('POST', `/people/${gina.id}/merge`, { key: alice.apiKey, body: { ids: [bea.id, gina.id] } });
    expect(itself).toMatchObject({ status: 400, body: { message: 'Cannot merge a person into themselves' } });
    expect((await get(alice, `/people/${bea.id}`)).status).toBe(200);
    const merged = await api.call<Json[]>('POST', `/people/${gina.id}/merge`, { key: alice.apiKey, body: { ids: [bea.id, '00000000-0000-4000-8000-000000000000'] } });
    expect(merged.body).toEqual([
      { id: bea.id, success: true },
      { id: '00000000-0000-4000-8000-000000000000', success: false, error: 'not_found' },
    ]);
    expect((await get(alice, `/people/${gina.id}/statistics`)).body).toEqual({ assets: 2 });
    expect((await get(alice, `/people/${bea.id}`)).status).toBe(400);

    const before = (await get(alice, '/people')).body.people.map((p: Json) => [p.name, p.id]);
    expect((await api.call<Json>('POST', '/people/recluster', { key: alice.apiKey })).status).toBe(200);
    const after = (await get(alice, '/people')).body.people.map((p: Json) => [p.name, p.id]);
    expect(after.sort()).toEqual(before.sort());
    // The second green face, alone before, now has Gina's hand-placed face near it and joins her.
    expect((await get(alice, `/people/${gina.id}/statistics`)).body).toEqual({ assets: 3 });
    expect((await get(alice, `/faces?id=${photos.red![0]}`)).body[0].person.name).toBe('Rosa');
  });

  it('keeps each user’s people to themselves and refuses bad input', async () => {
    const [rosa] = (await get(alice, '/people')).body.people;
    expect((await get(bob, `/people/${rosa.id}`)).status).toBe(400);
    expect((await get(bob, '/people')).body.people).toEqual([]);
    expect((await api.call('PUT', `/people/${rosa.id}`, { key: bob.apiKey, body: { name: 'Mine' } })).status).toBe(400);
    expect((await get(bob, `/faces?id=${photos.red![0]}`)).status).toBe(400);
    expect((await get(bob, `/assets/${photos.red![0]}`)).status).toBe(400);
    const face = (await get(alice, `/faces?id=${photos.red![0]}`)).body[0];
    const bobs = (await api.call<Json>('POST', '/people', { key: bob.apiKey, body: { name: 'Bob’s' } })).body;
    expect((await api.call('PUT', `/faces/${face.id}`, { key: bob.apiKey, body: { id: bobs.id } })).status).toBe(400);
    expect((await api.call('PUT', `/faces/${face.id}`, { key: alice.apiKey, body: { id: bobs.id } })).status).toBe(400);
    expect((await api.call('POST', `/people/${rosa.id}/merge`, { key: alice.apiKey, body: { ids: [bobs.id] } })).body).toEqual([{ id: bobs.id, success: false, error: 'not_found' }]);
    // Immich 3.2's ordered merge: the first is kept and takes the name and birth date it lacks.
    const unnamed = (await api.call<Json>('POST', '/people', { key: bob.apiKey, body: {} })).body;
    await api.call('PUT', `/people/${bobs.id}`, { key: bob.apiKey, body: { birthDate: '1980-02-29' } });
    const ordered = await api.call<Json[]>('POST', '/people/merge', { key: bob.apiKey, body: { ids: [unnamed.id, bobs.id, rosa.id] } });
    expect(ordered).toMatchObject({ status: 200, body: [{ id: bobs.id, success: true }, { id: rosa.id, success: false, error: 'not_found' }] });
    expect((await get(bob, `/people/${unnamed.id}`)).body).toMatchObject({ name: 'Bob’s', birthDate: '1980-02-29' });
    expect((await get(bob, `/people/${bobs.id}`)).status).toBe(400);
    expect((await get(alice, `/people/${rosa.id}`)).body.name).toBe('Rosa');
    expect((await api.call('POST', '/people/merge', { key: bob.apiKey, body: { ids: [rosa.id, unnamed.id] } })).status).toBe(400);
    expect((await api.call('POST', '/people/merge', { key: bob.apiKey, body: { ids: [unnamed.id] } })).status).toBe(400);
    expect((await api.call('POST', '/people/merge', { key: bob.apiKey, body: { ids: [unnamed.id, unnamed.id] } })).status).toBe(400);
    for (const body of [{ birthDate: 'yesterday' }, { name: 'x'.repeat(300) }, { isHidden: 'yes' }, { unknown: 1 }]) {
      expect((await api.call('PUT', `/people/${rosa.id}`, { key: alice.apiKey, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await get(alice, '/people/not-a-uuid')).status).toBe(400);
    expect((await api.call('GET', '/people')).status).toBe(401);
  });

  it('re-runs a photo’s faces idempotently: the same faces, no duplicates', async () => {
    const id = photos.red![0]!;
    const before = (await get(alice, `/faces?id=${id}`)).body;
    expect((await api.call<Json>('PUT', '/jobs/faceDetection', { key: alice.apiKey, body: { command: 'start', force: true } })).body.queued).toBeGreaterThan(5);
    await waitFor(async () => ((await runtime.ports.queue.stats('faces')).waiting + (await runtime.ports.queue.stats('faces')).inFlight === 0 ? true : undefined), 'the faces queue to drain');
    const after = (await get(alice, `/faces?id=${id}`)).body;
    expect(after).toHaveLength(1);
    expect(after[0].person?.name).toBe(before[0].person?.name);
  });

  it('syncs people and faces to the phone app, and a rename as a delta', async () => {
    const session = (await api.call<Json>('POST', '/auth/login', { body: { email: 'admin@example.com', password: 'correct horse battery staple' } })).body.accessToken;
    const stream = () => api.syncLines(session, ['PeopleV1', 'AssetFacesV2', 'AssetMetadataV1']);
    const lines = await stream();
    const people = lines.filter((l) => l.type === 'PersonV1').map((l) => l.data);
    const faces = lines.filter((l) => l.type === 'AssetFaceV2').map((l) => l.data);
    const listed = (await get(alice, '/people?withHidden=true')).body.people as Json[];
    expect(people.map((p) => p.id).sort()).toEqual(listed.map((p) => p.id).sort());
    for (const person of people) expect(immichShapeProblems(person, 'SyncPersonV1')).toEqual([]);
    for (const face of faces) expect(immichShapeProblems(face, 'SyncAssetFaceV2')).toEqual([]);
    expect(faces.length).toBeGreaterThanOrEqual(people.length);
    // Only Alice's: Bob's people and faces stay his.
    expect(people.every((p) => p.ownerId === alice.id)).toBe(true);
    const last = new Map<string, string>();
    for (const l of lines) last.set(l.ack.split('|')[0]!, l.ack);
    expect((await api.call('POST', '/sync/ack', { token: session, body: { acks: [...last.values()] } })).status).toBe(204);
    const renamed = people[0]!;
    expect((await api.call('PUT', `/people/${renamed.id}`, { key: alice.apiKey, body: { name: 'Renamed on the web' } })).status).toBe(200);
    const delta = await stream();
    expect(delta.filter((l) => l.type === 'PersonV1').map((l) => [l.data.id, l.data.name])).toEqual([[renamed.id, 'Renamed on the web']]);
  });

  it('reassigns a person’s faces in a photo, deletes a wrong face, and deletes people (their faces stay)', async () => {
    const me = (method: string, path: string, body?: unknown) => api.call<any>(method, path, { key: alice.apiKey, body });
    const rosa = (await get(alice, '/people')).body.people.find((p: Json) => p.name === 'Rosa');
    const photo = photos.red![3]!;
    const rita = (await me('POST', '/people', { name: 'Rita' })).body;
    const moved = await me('PUT', `/people/${rita.id}/reassign`, { data: [{ assetId: photo, personId: rosa.id }] });
    expect(moved).toMatchObject({ status: 200, body: [{ id: rita.id, name: 'Rita' }] });
    expect((await get(alice, `/faces?id=${photo}`)).body.map((f: Json) => f.person?.name)).toEqual(['Rita']);
    // Bob may not reassign into, or delete, Alice's people or faces.
    const bobs = (await api.call<Json>('POST', '/people', { key: bob.apiKey, body: { name: 'Bob’s own' } })).body;
    expect((await api.call('PUT', `/people/${rita.id}/reassign`, { key: bob.apiKey, body: { data: [{ assetId: photo, personId: rita.id }] } })).status).toBe(400);
    await api.call('PUT', `/people/${bobs.id}/reassign`, { key: bob.apiKey, body: { data: [{ assetId: photo, personId: rita.id }] } });
    expect((await get(alice, `/faces?id=${photo}`)).body.map((f: Json) => f.person?.name)).toEqual(['Rita']);
    const [face] = (await get(alice, `/faces?id=${photo}`)).body;
    expect((await api.call('DELETE', `/faces/${face.id}`, { key: bob.apiKey, body: {} })).status).toBe(400);
    expect((await api.call('DELETE', `/people/${rita.id}`, { key: bob.apiKey })).status).toBe(400);
    expect((await api.call('DELETE', '/people', { key: alice.apiKey, body: { ids: [rita.id, bobs.id] } })).status).toBe(400);
    expect((await get(alice, `/people/${rita.id}`)).status).toBe(200);

    // Deleting Rita leaves her face, unnamed; deleting the face takes it away.
    expect((await me('DELETE', `/people/${rita.id}`)).status).toBe(204);
    expect((await get(alice, `/people/${rita.id}`)).status).toBe(400);
    expect((await get(alice, `/faces?id=${photo}`)).body.map((f: Json) => f.person)).toEqual([null]);
    expect((await me('DELETE', `/faces/${face.id}`, { force: true })).status).toBe(204);
    expect((await get(alice, `/faces?id=${photo}`)).body).toEqual([]);
    expect((await me('DELETE', `/faces/${face.id}`, {})).status).toBe(400);
    for (const [method, path, body] of [
      ['PUT', `/people/${rosa.id}/reassign`, { data: [] }],
      ['PUT', `/people/${rosa.id}/reassign`, { data: [{ assetId: 'x', personId: rosa.id }] }],
      ['DELETE', '/people', { ids: [] }],
      ['DELETE', '/people/not-a-uuid', undefined],
      ['DELETE', '/faces/not-a-uuid', {}],
    ] as const) {
      expect((await me(method, path, body)).status, `${method} ${path}`).toBe(400);
    }
    expect((await get(alice, `/people/${rosa.id}`)).status).toBe(200);
  });

  it('adds a face the recognizer missed, drawn by hand; it survives detection run again, and only the owner may draw', async () => {
    const me = (method: string, path: string, body?: unknown) => api.call<any>(method, path, { key: alice.apiKey, body });
    const photo = photos.green![0]!;
    const zoé = (await me('POST', '/people', { name: 'Zoé' })).body;
    // Drawn on the 1280-px image the client showed: kept in the preview's pixels (640 × 480).
    const drawn = { assetId: photo, personId: zoé.id, imageWidth: 1280, imageHeight: 960, x: 900, y: 100, width: 200, height: 240 };
    const before = ((await get(alice, `/faces?id=${photo}`)).body as Json[]).length;
    const created = await me('POST', '/faces', drawn);
    expect(created.status).toBe(201);
    const faces = (await get(alice, `/faces?id=${photo}`)).body as Json[];
    expect(faces).toHaveLength(before + 1);
    for (const f of faces) expect(immichShapeProblems(f, 'AssetFaceResponseDto')).toEqual([]);
    const mine = faces.find((f) => f.person?.id === zoé.id)!;
    expect(mine).toMatchObject({ imageWidth: 640, imageHeight: 480, boundingBoxX1: 450, boundingBoxY1: 50, boundingBoxX2: 550, boundingBoxY2: 170, sourceType: 'manual' });
    // Her portrait is the drawn face, cut from the preview.
    const portrait = await api.media(`/people/${zoé.id}/thumbnail`, alice.apiKey);
    expect(portrait.status).toBe(200);
    expect((await sharp(portrait.bytes).metadata()).format).toBe('jpeg');
    expect((await get(alice, `/people/${zoé.id}/statistics`)).body).toEqual({ assets: 1 });

    // Detection run again replaces its own faces only.
    const facesRun = async () => (await runtime.ports.db.query(`SELECT updated_at AS at FROM asset_job_status WHERE asset_id = $1 AND stage = 'faces'`, [photo])).rows[0].at as Date;
    const lastRun = await facesRun();
    expect((await me('POST', '/assets/jobs', { assetIds: [photo], name: 'refresh-faces' })).status).toBe(204);
    await waitFor(async () => ((await facesRun()) > lastRun ? true : undefined), 'faces detected again');
    expect((await get(alice, `/faces?id=${photo}`)).body.map((f: Json) => f.id)).toContain(mine.id);
    expect((await get(alice, `/faces?id=${photo}`)).body).toHaveLength(before + 1);

    const bobs = (await api.call<Json>('POST', '/people', { key: bob.apiKey, body: { name: 'Bob’s' } })).body;
    const limited = (await me('POST', '/api-keys', { name: 'faces read', permissions: ['face.read'] })).body.secret as string;
    for (const [key, body, status] of [
      [undefined, drawn, 401],
      [limited, drawn, 403],
      [bob.apiKey, drawn, 400], // Alice's photo and person
      [bob.apiKey, { ...drawn, personId: bobs.id }, 400], // still Alice's photo
      [alice.apiKey, { ...drawn, personId: bobs.id }, 400], // Bob's person
      [alice.apiKey, { ...drawn, x: 1200 }, 400], // outside the image
      [alice.apiKey, { ...drawn, width: 0 }, 400],
      [alice.apiKey, { ...drawn, imageWidth: -5 }, 400],
      [alice.apiKey, { ...drawn, x: 1.5 }, 400],
      [alice.apiKey, { ...drawn, assetId: 'not-a-uuid' }, 400],
      [alice.apiKey, { ...drawn, extra: true }, 400],
      [alice.apiKey, '[]', 400],
    ] as const) {
      expect((await api.call('POST', '/faces', { key, body })).status, JSON.stringify(body)).toBe(status);
    }
    expect((await get(alice, `/faces?id=${photo}`)).body).toHaveLength(before + 1);
  });

  it('lists people as Immich does: by faces in timeline photos, unnamed ones from minFaces, favourites first, pages; a colour each', async () => {
    const me = (method: string, path: string, body?: unknown) => api.call<any>(method, path, { key: alice.apiKey, body });
    const photo = photos.green![1]!;
    const person = async (body: Json, faces: number) => {
      const made = (await me('POST', '/people', body)).body;
      for (let i = 0; i < faces; i++) {
        expect((await me('POST', '/faces', { assetId: photo, personId: made.id, imageWidth: 640, imageHeight: 480, x: 10 + i * 20, y: 10, width: 10, height: 10 })).status).toBe(201);
      }
      return made.id as string;
    };
    const before = (await get(alice, '/people?withHidden=true')).body;
    const ids = {
      nobody: await person({ name: 'Sem fotos' }, 0),
      oneUnnamed: await person({ name: '' }, 1),
      threeUnnamed: await person({ name: '' }, 3),
      favourite: await person({ name: 'Zé', isFavorite: true }, 1),
      two: await person({ name: 'Bia', color: '#a1b2c3' }, 2),
      hidden: await person({ name: 'Oculto', isHidden: true }, 5),
    };
    const listed = async (query: string) => ((await get(alice, `/people${query}`)).body.people as Json[]).map((p) => p.id).filter((id) => Object.values(ids).includes(id));
    // Immich's default minFaces is 3: a nameless person with one face waits for more.
    expect(await listed('')).toEqual([ids.favourite, ids.two, ids.threeUnnamed]);
    expect(await listed('?withHidden=true')).toEqual([ids.favourite, ids.two, ids.threeUnnamed, ids.hidden]);
    const all = (await get(alice, '/people?withHidden=true')).body;
    // Everyone with a face counts, listed or not; a person without one does not.
    expect(all.total).toBe(before.total + 5);
    expect(all.hidden).toBe(before.hidden + 1);
    const page = (await get(alice, `/people?withHidden=true&size=1&page=${all.people.length}`)).body;
    expect(page).toMatchObject({ hasNextPage: false, people: [all.people.at(-1)] });
    expect((await get(alice, '/people?size=1')).body.hasNextPage).toBe(true);
    expect((await get(alice, '/people?size=0')).status).toBe(400);

    expect((await get(alice, `/people/${ids.two}`)).body.color).toBe('#a1b2c3');
    expect((await me('PUT', `/people/${ids.two}`, { color: '#555' })).body.color).toBe('#555');
    expect((await me('PUT', `/people/${ids.two}`, { color: null })).body).not.toHaveProperty('color');
    expect((await me('PUT', `/people/${ids.two}`, { color: 'red; drop table' })).status).toBe(400);
  });
});
