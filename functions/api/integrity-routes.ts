import { Hono } from 'hono';
import { z } from 'zod';
import { NotFound } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { mediaResponse } from '../../core/http/media-response.js';
import { uuidParam } from '../../core/http/validate.js';
import { INTEGRITY_TYPES, integrityReport, integrityReports, integritySummary, resolveIntegrityReports } from '../../core/integrity/integrity-checks.js';

/** Immich's IntegrityGetReportDto (query). */
export const IntegrityReportQuery = z.object({
  type: z.enum(INTEGRITY_TYPES),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const IntegrityType = z.object({ type: z.enum(INTEGRITY_TYPES) });

const csvField = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** What the integrity checks found (POST /api/jobs runs them; nightly they run by themselves), for the admin to act on. */
export const integrityRoutes = new Hono<ApiEnv>()
  .use('/admin/integrity/*', authenticate, requireAdmin)
  .get('/admin/integrity/summary', async (c) => c.json(await integritySummary(c.var.ports.db)))
  .get('/admin/integrity/report', async (c) => {
    const q = IntegrityReportQuery.parse(c.req.query());
    const page = await integrityReports(c.var.ports.db, q.type, q);
    return c.json({ items: page.items.map(({ id, path, type }) => ({ id, path, type })), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  })
  .get('/admin/integrity/report/:type/csv', async (c) => {
    const { type } = IntegrityType.parse({ type: c.req.param('type') });
    const lines = ['id,type,assetId,fileAssetId,path'];
    let cursor: string | undefined;
    for (;;) {
      const page = await integrityReports(c.var.ports.db, type, { cursor, limit: 1000 });
      for (const r of page.items) lines.push([r.id, r.type, r.assetId ?? '', r.fileType && r.assetId ? `${r.assetId}/${r.fileType}` : '', csvField(r.path)].join(','));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return c.body(`${lines.join('\n')}\n`, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="integrity-${type}.csv"` });
  })
  // The flagged file itself (an untracked file, a damaged original), to look at before acting.
  .get('/admin/integrity/report/:id/file', async (c) => {
    const report = await integrityReport(c.var.ports.db, uuidParam(c));
    const missing = new NotFound('The file is not in storage');
    if (!report) throw new NotFound('Integrity report not found');
    const { store } = c.var.ports;
    const response = await mediaResponse(c.req.raw, { head: () => store.head(report.path), read: (range) => store.read(report.path, range) }, {
      contentType: 'application/octet-stream',
      fileName: report.path.split('/').at(-1),
      disposition: 'attachment',
      cache: 'original',
    });
    if (!response) throw missing;
    return response;
  })
  .delete('/admin/integrity/report/:id', async (c) => {
    const report = await integrityReport(c.var.ports.db, uuidParam(c));
    if (!report) throw new NotFound('Integrity report not found');
    await resolveIntegrityReports(c.var.ports.db, c.var.ports.store, [report]);
    return c.body(null, 204);
  });
