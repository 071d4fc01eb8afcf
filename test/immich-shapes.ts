import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The response shapes of @immich/sdk 3.2.2, read from its type declarations: what the phone
 * app's generated client requires. A required field that is missing, or of another type, is an
 * exception in the app — so every answer the app reads is checked against these.
 */
interface Field {
  name: string;
  optional: boolean;
  type: string;
}

const declarations = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('@immich/sdk')), 'fetch-client.d.ts'), 'utf8');
const SHAPES = new Map<string, Field[]>();
for (const block of declarations.matchAll(/^export type (\w+) = \{\n([\s\S]*?)\n\};$/gm)) {
  const fields = [...block[2]!.matchAll(/^ {4}"?([\w$]+)"?(\??): (.+);$/gm)].map((m) => ({ name: m[1]!, optional: m[2] === '?', type: m[3]! }));
  SHAPES.set(block[1]!, fields);
}
// Shapes with no fields (SyncAckV1, SyncCompleteV1, …) are declared as `object`.
for (const empty of declarations.matchAll(/^export type (\w+) = (?:object|\{\});$/gm)) SHAPES.set(empty[1]!, []);
const ENUMS = new Map<string, Array<string | number>>();
for (const block of declarations.matchAll(/^export declare enum (\w+) \{\n([\s\S]*?)\n\}$/gm)) {
  // String enums ("720p"-like names), and numeric ones (HlsVideoResolution's 480, 720, …).
  ENUMS.set(block[1]!, [...block[2]!.matchAll(/= (?:"([^"]*)"|(-?\d+))/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2]))));
}

/** Every way `value` fails the SDK's `typeName`, as paths; empty when it fits. */
export function immichShapeProblems(value: unknown, typeName: string, at = typeName): string[] {
  const fields = SHAPES.get(typeName);
  if (!fields) throw new Error(`@immich/sdk has no type ${typeName}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected an object, got ${JSON.stringify(value)?.slice(0, 60)}`];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of fields) {
    const v = record[field.name];
    if (v === undefined) {
      if (!field.optional) problems.push(`${at}.${field.name}: missing`);
      continue;
    }
    problems.push(...typeProblems(v, field.type, `${at}.${field.name}`));
  }
  return problems;
}

function typeProblems(value: unknown, type: string, at: string): string[] {
  const alternatives = type.split(' | ').map((t) => t.trim());
  if (value === null) return alternatives.includes('null') ? [] : [`${at}: null, but the SDK says ${type}`];
  const problems = alternatives.filter((t) => t !== 'null').map((t) => oneTypeProblems(value, t, at));
  return problems.some((p) => p.length === 0) ? [] : problems[0] ?? [];
}

function oneTypeProblems(value: unknown, type: string, at: string): string[] {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return [`${at}: expected ${type}`];
    return value.flatMap((item, i) => oneTypeProblems(item, type.slice(0, -2), `${at}[${i}]`));
  }
  if (type === 'string' || type === 'number' || type === 'boolean') return typeof value === type ? [] : [`${at}: expected ${type}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  if (ENUMS.has(type)) return ENUMS.get(type)!.includes(value as string | number) ? [] : [`${at}: ${JSON.stringify(value)} is not a ${type}`];
  if (SHAPES.has(type)) return immichShapeProblems(value, type, at);
  // Anything else (object literals, unknown, Blob) is not checked further.
  return [];
}

/** What the phone app asks for on a 3.x server (mobile/lib/infrastructure/repositories/sync_api.repository.dart). */
export const APP_SYNC_TYPES = [
  'AuthUsersV1', 'UsersV1', 'AssetsV2', 'AssetExifsV1', 'AssetEditsV1', 'AssetMetadataV1', 'PartnersV1', 'PartnerAssetsV2',
  'PartnerAssetExifsV1', 'AlbumsV2', 'AlbumUsersV1', 'AlbumAssetsV2', 'AlbumAssetExifsV1', 'AlbumToAssetsV1', 'MemoriesV1',
  'MemoryToAssetsV1', 'StacksV1', 'PartnerStacksV1', 'UserMetadataV1', 'PeopleV1', 'AssetFacesV2', 'AssetOcrV1',
];

/** The SDK shape of each line type's data, as the app's generated client decodes it. */
export const SYNC_LINE_SHAPES: Record<string, string> = {
  AuthUserV1: 'SyncAuthUserV1', UserV1: 'SyncUserV1', UserDeleteV1: 'SyncUserDeleteV1', PartnerV1: 'SyncPartnerV1', PartnerDeleteV1: 'SyncPartnerDeleteV1',
  AssetV2: 'SyncAssetV2', AssetDeleteV1: 'SyncAssetDeleteV1', AssetExifV1: 'SyncAssetExifV1', PartnerAssetV2: 'SyncAssetV2',
  PartnerAssetBackfillV2: 'SyncAssetV2', PartnerAssetDeleteV1: 'SyncAssetDeleteV1', PartnerAssetExifV1: 'SyncAssetExifV1',
  PartnerAssetExifBackfillV1: 'SyncAssetExifV1', AlbumV2: 'SyncAlbumV2', AlbumDeleteV1: 'SyncAlbumDeleteV1', AlbumUserV1: 'SyncAlbumUserV1',
  AlbumUserDeleteV1: 'SyncAlbumUserDeleteV1', AlbumToAssetV1: 'SyncAlbumToAssetV1', AlbumToAssetBackfillV1: 'SyncAlbumToAssetV1',
  AlbumToAssetDeleteV1: 'SyncAlbumToAssetDeleteV1', AlbumAssetUpdateV2: 'SyncAssetV2', AlbumAssetBackfillV2: 'SyncAssetV2',
  AlbumAssetExifUpdateV1: 'SyncAssetExifV1', AlbumAssetExifBackfillV1: 'SyncAssetExifV1', UserMetadataV1: 'SyncUserMetadataV1',
  MemoryV1: 'SyncMemoryV1', MemoryDeleteV1: 'SyncMemoryDeleteV1', MemoryToAssetV1: 'SyncMemoryAssetV1', MemoryToAssetDeleteV1: 'SyncMemoryAssetDeleteV1',
  PersonV1: 'SyncPersonV1', PersonDeleteV1: 'SyncPersonDeleteV1', AssetFaceV2: 'SyncAssetFaceV2', AssetFaceDeleteV1: 'SyncAssetFaceDeleteV1',
  AssetMetadataV1: 'SyncAssetMetadataV1', AssetMetadataDeleteV1: 'SyncAssetMetadataDeleteV1', StackV1: 'SyncStackV1',
  StackDeleteV1: 'SyncStackDeleteV1', PartnerStackV1: 'SyncStackV1', PartnerStackBackfillV1: 'SyncStackV1', PartnerStackDeleteV1: 'SyncStackDeleteV1', SyncAckV1: 'SyncAckV1', SyncCompleteV1: 'SyncCompleteV1', SyncResetV1: 'SyncResetV1',
};

/** Whether @immich/sdk declares an object type of this name (the rest — Blob, inline types — are not checked). */
export const knownImmichShape = (typeName: string): boolean => SHAPES.has(typeName);
