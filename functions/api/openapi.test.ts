import { describe, expect, it } from 'vitest';
import type { Ports } from '../../core/runtime/ports.js';
import { createApi } from './app.js';
import { documentedRoutes } from './openapi.js';

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

  it('includes request schemas generated from the zod validators', async () => {
    const spec = (await (await api.request('/api/spec.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>>;
    };
    const schema = spec.paths['/api/uploads']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['fileName', 'size', 'checksum']));
  });
});
