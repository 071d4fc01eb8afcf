import type { MiddlewareHandler } from 'hono';
import type { QueueName } from '../core/ports/queue.js';

/** How long a burst of uploads has the cores to itself before each stage takes one job again. */
export const UPLOADS_FIRST_MS = 5000;

/**
 * Uploads being received right now (Immich's multipart `POST /api/assets`, and PUTs to the
 * signed blob URLs). On a home server the media workers share its few cores with them: on 2
 * cores, 24 photos of 5 MB sent 4 at a time took 2.3–2.9 s to receive with every stage working
 * beside them, 1.1 s with none (bench/upload-receive). So while bytes arrive, the heavy stages
 * (thumbnails, video, ML) take no new jobs and metadata (a few KB of tags per file) takes one at
 * a time, ready for them; a burst longer than UPLOADS_FIRST_MS (a CLI importing for an hour)
 * lets every stage take one at a time, so the library still fills in as it goes. Measured: 1.4 s
 * to receive, the last thumbnail as soon as before.
 */
export class UploadActivity {
  private receiving = 0;
  private busySince = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  get inFlight(): number {
    return this.receiving;
  }

  /** How many of a stage's `concurrency` slots it may use now. */
  slotsFor(stage: QueueName, concurrency: number): number {
    if (this.receiving === 0) return concurrency;
    const burstIsLong = this.clock() - this.busySince >= UPLOADS_FIRST_MS;
    return stage === 'metadata' || burstIsLong ? Math.min(1, concurrency) : 0;
  }

  /** Counts the requests that carry an upload's bytes, for as long as they are handled. */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    const carriesBytes = (c.req.method === 'POST' && c.req.path === '/api/assets') || (c.req.method === 'PUT' && c.req.path.startsWith('/_blob/'));
    if (!carriesBytes) return next();
    if (this.receiving++ === 0) this.busySince = this.clock();
    try {
      await next();
    } finally {
      this.receiving--;
    }
  };
}
