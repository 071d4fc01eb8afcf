import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto } from './media-samples.js';
import { writeSha256Sums, writeTinyClipPack } from './model-packs.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

describe('smart search', () => {
  let runtime: TestRuntime;
  let models: string;
  let api: ReturnType<typeof apiClient>;
  let alice: TestUser;
  let bob: TestUser;
  const ids: Record<string, string> = {};

  const search = (user: TestUser, body: Json) => api.call<Json>('POST', '/search/smart', { key: user.apiKey, body });
  const embedded = (user: TestUser, id: string) =>
    waitFor(async () => ((await search(user, { queryAssetId: id })).status === 200 ? true : undefined), `asset ${id} to be embedded`);

  beforeAll(async () => {
    models = await mkdtemp(path.join(os.tmpdir(), 'shoebox-models-'));
    runtime = await startTestRuntime({ SHOEBOX_MODELS: models, SHOEBOX_SWEEP_INTERVAL: '1' });
    api = apiClient(runtime.url);
    alice = await api.signUpAdmin();
    bob = await api.createUser(alice, 'bob@example.com');
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(models, { recursive: true, force: true });
  });

  it('marks photos as waiting while the model is missing, and never fails them', async () => {
    ids.red = await api.upload(alice, await colourPhoto(220, 30, 30, 1), 'red.jpg');
    const asset = (await api.call<Json>('GET', `/assets/${ids.red}`, { key: alice.apiKey })).body;
    expect(asset.status).toBe('ready');
    const answer = await search(alice, { query: 'red' });
    expect(answer.status).toBe(503);
    expect(answer.body.message).toMatch(/CLIP model ViT-B-32__openai.*npm run models/);
    await waitFor(async () => {
      const { rows } = await runtime.ports.db.query(`SELECT status FROM asset_job_status WHERE asset_id = $1 AND stage = 'embed'`, [ids.red]);
      return rows[0]?.status === 'waiting' ? true : undefined;
    }, 'the embed stage to wait for its model');
  });

  it('picks waiting photos up when the model arrives, then ranks by meaning', async () => {
    await writeTinyClipPack(models);
    await embedded(alice, ids.red!); // the sweeper saw the pack and queued the waiting photo
    ids.green = await api.upload(alice, await colourPhoto(30, 200, 40, 2), 'green.jpg');
    ids.blue = await api.upload(alice, await colourPhoto(30, 40, 220, 3), 'blue.jpg');
    ids.navy = await api.upload(alice, await colourPhoto(20, 20, 120, 4), 'navy.jpg');
    ids.bobRed = await api.upload(bob, await colourPhoto(230, 20, 20, 5), 'bob-red.jpg');
    for (const id of [ids.green!, ids.blue!, ids.navy!]) await embedded(alice, id);
    await embedded(bob, ids.bobRed!);

    const red = await search(alice, { query: 'a red sports car' });
    expect(red.status).toBe(200);
    expect(red.body.assets.items[0].id).toBe(ids.red);
    const blue = (await search(alice, { query: 'blue sky' })).body.assets.items.map((a: Json) => a.id);
    expect(blue.slice(0, 2).sort()).toEqual([ids.blue, ids.navy].sort());
    // Only Alice's own photos, never Bob's red one.
    expect(blue).not.toContain(ids.bobRed);
    expect(blue).toHaveLength(4);
  });

  it('applies filters in the same query and pages', async () => {
    await api.call('PUT', `/assets/${ids.green}`, { key: alice.apiKey, body: { isFavorite: true } });
    const favourites = (await search(alice, { query: 'red', isFavorite: true })).body.assets.items.map((a: Json) => a.id);
    expect(favourites).toEqual([ids.green]);
    expect((await search(alice, { query: 'red', type: 'VIDEO' })).body.assets.items).toEqual([]);
    expect((await search(alice, { query: 'red', takenAfter: '2100-01-01' })).body.assets.items).toEqual([]);

    const first = (await search(alice, { query: 'blue', size: 2 })).body.assets;
    expect(first.items).toHaveLength(2);
    expect(first.nextPage).toBe('2');
    const second = (await search(alice, { query: 'blue', size: 2, page: 2 })).body.assets;
    expect(second.nextPage).toBeNull();
    expect([...first.items, ...second.items].map((a: Json) => a.id).sort()).toEqual(Object.values(ids).filter((id) => id !== ids.bobRed).sort());

    const similar = (await search(alice, { queryAssetId: ids.blue })).body.assets.items.map((a: Json) => a.id);
    expect(similar.slice(0, 2)).toEqual([ids.blue, ids.navy]);
  });

  it('refuses bad requests and other users’ assets with a clear answer', async () => {
    for (const body of [{}, { query: '' }, { query: 'x', queryAssetId: ids.red }, { query: 'x', size: 0 }, { query: 'x'.repeat(5000) }, { query: 'x', personIds: ['nope'] }, { query: 42 }]) {
      const answer = await search(alice, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await search(alice, { queryAssetId: ids.bobRed })).status).toBe(400);
    expect((await api.call('POST', '/search/smart', { body: { query: 'red' } })).status).toBe(401);
  });

  it('follows the admin’s settings without a restart', async () => {
    const config = (await api.call<Json>('GET', '/system-config', { key: alice.apiKey })).body;
    expect(config.machineLearning.clip).toEqual({ enabled: true, modelName: 'ViT-B-32__openai' });
    config.machineLearning.clip.enabled = false;
    expect((await api.call('PUT', '/system-config', { key: alice.apiKey, body: config })).status).toBe(200);
    expect((await search(alice, { query: 'red' })).status).toBe(400);
    expect((await api.call('PUT', '/system-config', { key: bob.apiKey, body: config })).status).toBe(403);
    config.machineLearning.clip = { enabled: true, modelName: '../../etc' };
    expect((await api.call('PUT', '/system-config', { key: alice.apiKey, body: config })).status).toBe(400);
    config.machineLearning.clip = { enabled: true, modelName: 'ViT-B-32__openai' };
    expect((await api.call('PUT', '/system-config', { key: alice.apiKey, body: config })).status).toBe(200);
    expect((await search(alice, { query: 'red' })).body.assets.items[0].id).toBe(ids.red);
  });
});

describe('models fetched at start-up (SHOEBOX_MODEL_DOWNLOAD=true)', () => {
  it('fetches the configured pack from the source in the background, then indexes what waited', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-fetch-'));
    const published = path.join(work, 'mirror');
    await writeSha256Sums(await writeTinyClipPack(published));
    const runtime = await startTestRuntime({ SHOEBOX_MODELS: path.join(work, 'cache'), SHOEBOX_MODEL_SOURCE: published, SHOEBOX_MODEL_DOWNLOAD: 'true', SHOEBOX_SWEEP_INTERVAL: '1' });
    try {
      const api = apiClient(runtime.url);
      const alice = await api.signUpAdmin();
      const id = await api.upload(alice, await colourPhoto(220, 30, 30, 9), 'red.jpg');
      const found = await waitFor(async () => {
        const answer = await api.call<Json>('POST', '/search/smart', { key: alice.apiKey, body: { query: 'red' } });
        return answer.status === 200 && answer.body.assets.items.length > 0 ? answer.body.assets.items : undefined;
      }, 'the pack to arrive and the photo to be indexed');
      expect(found[0].id).toBe(id);
    } finally {
      await runtime.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
