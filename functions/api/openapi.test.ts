import { describe, expect, it } from 'vitest';
import type { Ports } from '../../core/runtime/ports.js';
import { createApi } from './app.js';
import { documentedRoutes } from './openapi.js';
import { Permission } from '@immich/sdk';
import { PERMISSIONS, ROUTE_PERMISSIONS } from '../../core/access/permissions.js';

describe('the OpenAPI document', () => {
  const api = createApi({} as Ports);

  it('describes every route the API serves, and nothing it does not', async () => {
    const response = await api.request('/api/spec.json');
    expect(response.status).toBe(200);
    const spec = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { summary: string }>> };
    expect(spec.openapi).toBe('3.1.0');
    const served = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.sort()).toEqual(documentedRoutes().sort());
    for (const methods of Object.values(spec.paths)) for (const op of Object.values(methods)) expect(op.summary).not.toBe('');
  });

  it('names the API-key permission of every route, as Immich does (x-immich-permission), and no route is left out', async () => {
    const spec = (await (await api.request('/api/spec.json')).json()) as { paths: Record<string, Record<string, { security?: []; 'x-immich-permission'?: string }>> };
    const served = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.slice('/api'.length)}`));
    expect(Object.keys(ROUTE_PERMISSIONS).sort()).toEqual(served.sort());
    expect(spec.paths['/api/trash/empty']!.post!['x-immich-permission']).toBe('asset.delete');
    expect(spec.paths['/api/server/ping']!.get!.security).toEqual([]);
  });

  it('uses exactly the permission names of @immich/sdk 3.2.2', () => {
    expect([...PERMISSIONS].sort()).toEqual([...new Set(Object.values(Permission))].sort());
    for (const needed of Object.values(ROUTE_PERMISSIONS)) if (needed !== 'public' && needed !== 'any') expect(PERMISSIONS).toContain(needed);
  });

  it('includes request schemas generated from the zod validators', async () => {
    const spec = (await (await api.request('/api/spec.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>>;
    };
    const schema = spec.paths['/api/uploads']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['fileName', 'size', 'checksum']));
  });
});
