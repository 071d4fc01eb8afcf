import { Hono } from 'hono';
import sharp from 'sharp';
import { z } from 'zod';
import { requireAssetOwner, requireAssetRead } from '../../core/access/access.js';
import { derivedKey } from '../../core/assets/object-keys.js';
import { getAssetFile } from '../../core/assets/asset-queries.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { DayInput, jsonBody, QueryFlag, uuidParam } from '../../core/http/validate.js';
import { readMlSettings } from '../../core/ml/ml-settings.js';
import { reclusterFaces } from '../../core/people/recognize-faces.js';
import {
  addDrawnFace,
  createPerson,
  deleteFace,
  deletePeople,
  reassignFacesOf,
  faceById,
  facesOfAsset,
  listPeople,
  mergePeople,
  reassignFace,
  requirePerson,
  updatePerson,
  type Person,
} from '../../core/people/people-queries.js';
import { readAll } from '../../core/ports/object-store.js';
import { faceDto, personDto } from './dto.js';

const Id = z.uuid();
const Day = DayInput;
export const PersonUpdate = z.strictObject({
  name: z.string().trim().max(200).optional(),
  birthDate: Day.nullable().optional(),
  isHidden: z.boolean().optional(),
  isFavorite: z.boolean().optional(),
  color: z.string().regex(/^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i, 'color must be a hexadecimal color').nullable().optional(),
  featureFaceAssetId: Id.optional(),
});
/** Immich's GET /people query: page numbers from 1, up to 1,000 people a page (500 unless asked). */
const PeopleQuery = z.object({
  withHidden: QueryFlag.default(false),
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(1000).default(500),
  closestPersonId: Id.optional(),
  closestAssetId: Id.optional(),
});
export const PersonCreate = PersonUpdate.omit({ featureFaceAssetId: true });
export const PeopleUpdate = z.strictObject({ people: z.array(PersonUpdate.extend({ id: Id })).min(1).max(1000) });
export const PersonMerge = z.strictObject({ ids: z.array(Id).min(1).max(1000) });
/** Immich's MergePersonDto of POST /people/merge: the person kept first, then those merged into it. */
export const PeopleMerge = z.strictObject({ ids: z.array(Id).min(2).max(1000) });
export const FaceReassign = z.strictObject({ id: Id });
/** Immich's BulkIdsDto (DELETE /people), AssetFaceUpdateDto (PUT /people/{id}/reassign) and AssetFaceDeleteDto. */
export const PeopleDelete = z.object({ ids: z.array(Id).min(1).max(1000) });
export const FacesReassign = z.object({ data: z.array(z.object({ assetId: Id, personId: Id })).min(1).max(1000) });
export const FaceDelete = z.object({ force: z.boolean().optional() });
const Pixels = z.number().int().min(0).max(100_000);
/** Immich's AssetFaceCreateDto: a box in an image of imageWidth × imageHeight (the one the client showed). */
export const FaceCreate = z
  .strictObject({ assetId: Id, personId: Id, imageWidth: Pixels.min(1), imageHeight: Pixels.min(1), x: Pixels, y: Pixels, width: Pixels.min(1), height: Pixels.min(1) })
  .refine((f) => f.x + f.width <= f.imageWidth && f.y + f.height <= f.imageHeight, 'The face must lie inside the image');

const personId = (id: string) => {
  if (!Id.safeParse(id).success) throw new BadRequest('Not found or no person.read access');
  return id;
};

/** People (faces grouped by identity) and the faces themselves, on Immich's paths; all owner-scoped. */
export const peopleRoutes = new Hono<ApiEnv>()
  .use('/people', authenticate)
  .use('/people/*', authenticate)
  .use('/faces', authenticate)
  .use('/faces/*', authenticate)
  .get('/people', async (c) => {
    const query = PeopleQuery.parse(c.req.query());
    const { minFaces } = (await readMlSettings(c.var.ports.db, c.var.ports.config)).facialRecognition;
    const { people, ...counts } = await listPeople(c.var.ports.db, c.var.auth.user.id, { ...query, minFaces });
    return c.json({ ...counts, people: people.map(personDto) });
  })
  .post('/people', async (c) => {
    const body = await jsonBody(c, PersonCreate);
    const id = await createPerson(c.var.ports.db, c.var.auth.user.id, body);
    return c.json(personDto(await requirePerson(c.var.ports.db, c.var.auth.user.id, id)), 201);
  })
  .put('/people', async (c) => {
    const { people } = await jsonBody(c, PeopleUpdate);
    const results = [];
    for (const { id, ...changes } of people) {
      try {
        await updatePerson(c.var.ports.db, c.var.auth.user.id, id, changes);
        results.push({ id, success: true });
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        results.push({ id, success: false, error: 'no_permission' });
      }
    }
    return c.json(results);
  })
  .post('/people/recluster', async (c) => {
    const settings = await readMlSettings(c.var.ports.db, c.var.ports.config);
    return c.json({ faces: await reclusterFaces(c.var.ports.db, c.var.auth.user.id, settings.facialRecognition) });
  })
  .get('/people/:id', async (c) => c.json(personDto(await requirePerson(c.var.ports.db, c.var.auth.user.id, personId(c.req.param('id'))))))
  .put('/people/:id', async (c) => {
    const id = personId(c.req.param('id'));
    await updatePerson(c.var.ports.db, c.var.auth.user.id, id, await jsonBody(c, PersonUpdate));
    return c.json(personDto(await requirePerson(c.var.ports.db, c.var.auth.user.id, id)));
  })
  .delete('/people', async (c) => {
    const { ids } = await jsonBody(c, PeopleDelete);
    await deletePeople(c.var.ports.db, c.var.auth.user.id, ids);
    return c.body(null, 204);
  })
  .delete('/people/:id', async (c) => {
    await deletePeople(c.var.ports.db, c.var.auth.user.id, [uuidParam(c)]);
    return c.body(null, 204);
  })
  .put('/people/:id/reassign', async (c) => {
    const id = uuidParam(c);
    const { data } = await jsonBody(c, FacesReassign);
    const { db } = c.var.ports;
    await reassignFacesOf(db, c.var.auth.user.id, id, data);
    const person = personDto(await requirePerson(db, c.var.auth.user.id, id));
    // Immich answers the person once per pair asked.
    return c.json(data.map(() => person));
  })
  // Immich 3.2: an ordered list, the first person kept and the others merged into it.
  .post('/people/merge', async (c) => {
    const { ids } = await jsonBody(c, PeopleMerge);
    const [into, ...from] = ids;
    return c.json(await mergePeople(c.var.ports.db, c.var.auth.user.id, into!, from));
  })
  .post('/people/:id/merge', async (c) => {
    const { ids } = await jsonBody(c, PersonMerge);
    return c.json(await mergePeople(c.var.ports.db, c.var.auth.user.id, personId(c.req.param('id')), ids));
  })
  .get('/people/:id/statistics', async (c) => {
    const person = await requirePerson(c.var.ports.db, c.var.auth.user.id, personId(c.req.param('id')));
    return c.json({ assets: person.faceCount });
  })
  .get('/people/:id/thumbnail', async (c) => {
    const { db, store } = c.var.ports;
    const person = await requirePerson(db, c.var.auth.user.id, personId(c.req.param('id')));
    const face = person.faceId ? await faceById(db, person.faceId) : undefined;
    if (!face) throw new BadRequest('This person has no face to show');
    const preview = await readAll(await store.read(derivedKey(c.var.auth.user.id, face.assetId, 'preview', 'jpeg')), 32 * 1024 * 1024);
    // The box with a margin, squared, inside the picture: a portrait, not a tight crop.
    const side = Math.round(Math.max(face.x2 - face.x1, face.y2 - face.y1) * 1.5);
    const size = Math.max(1, Math.min(side, face.imageWidth, face.imageHeight));
    const left = Math.max(0, Math.min(face.imageWidth - size, Math.round((face.x1 + face.x2 - size) / 2)));
    const top = Math.max(0, Math.min(face.imageHeight - size, Math.round((face.y1 + face.y2 - size) / 2)));
    const jpeg = await sharp(preview).extract({ left, top, width: size, height: size }).resize(250, 250).jpeg({ quality: 85 }).toBuffer();
    return c.body(new Uint8Array(jpeg), 200, { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=3600' });
  })
  .post('/faces', async (c) => {
    const face = await jsonBody(c, FaceCreate);
    const { db } = c.var.ports;
    await requireAssetOwner(db, c.var.auth, [face.assetId]);
    await requirePerson(db, c.var.auth.user.id, face.personId);
    const preview = await getAssetFile(db, face.assetId, 'preview');
    const dims = preview?.width && preview.height ? { width: preview.width, height: preview.height } : undefined;
    await addDrawnFace(db, c.var.auth.user.id, face, dims);
    return c.body(null, 201);
  })
  .get('/faces', async (c) => {
    const assetId = z.uuid().parse(c.req.query('id'));
    const { db } = c.var.ports;
    await requireAssetRead(db, c.var.auth, [assetId]);
    const faces = await facesOfAsset(db, assetId);
    const me = c.var.auth.user.id;
    const people = new Map<string, Person>();
    for (const f of faces) if (f.personId && !people.has(f.personId)) people.set(f.personId, await requirePerson(db, me, f.personId).catch(() => undefined as never));
    return c.json(faces.map((f) => faceDto(f, f.personId ? people.get(f.personId) : undefined)));
  })
  // No soft delete: a deleted face is gone (force or not); detection run again on the photo may find it anew.
  .delete('/faces/:id', async (c) => {
    const id = uuidParam(c);
    await jsonBody(c, FaceDelete);
    await deleteFace(c.var.ports.db, c.var.auth.user.id, id);
    return c.body(null, 204);
  })
  .put('/faces/:id', async (c) => {
    const faceId = z.uuid().parse(c.req.param('id'));
    const { id } = await jsonBody(c, FaceReassign);
    const face = await faceById(c.var.ports.db, faceId);
    if (!face) throw new BadRequest('Not found or no face.update access');
    await requireAssetOwner(c.var.ports.db, c.var.auth, [face.assetId]);
    await reassignFace(c.var.ports.db, c.var.auth.user.id, faceId, id);
    return c.json(personDto(await requirePerson(c.var.ports.db, c.var.auth.user.id, id)));
  });
