import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { authenticateHeaders } from '../core/http/authenticate.js';
import type { Ports } from '../core/runtime/ports.js';
import { getAssets, getExif } from '../core/assets/asset-queries.js';
import { currentSyncSeq, readLiveEvents, type LiveEvent } from '../core/sync/live-events.js';
import { assetDto } from '../functions/api/dto.js';
import { SHOEBOX_VERSION } from '../core/version.js';

export interface LiveUpdates {
  stop(): Promise<void>;
}

const LOOK_EVERY_MS = 1000;

/**
 * socket.io at /api/socket.io, as Immich serves it to the phone app: a connection authenticates
 * with the same headers as the API, joins its user's room, hears `on_server_version`, then
 * `AssetUploadReadyV2`, `on_asset_trash`, `on_asset_restore` and `on_asset_delete` for what it
 * may see, `on_upload_success` and `on_asset_update` (the asset, for its owner) as Immich's web
 * app and tools wait for them, and `on_config_update` when an admin changes the server's settings. Changes are
 * read from the sync numbers once a second while anyone is connected, so the workers' progress
 * arrives whichever process did the work.
 */
const NAMES_ASSET = new Set(['on_upload_success', 'on_asset_update']);

/** Immich's on_upload_success and on_asset_update carry the whole asset: the notice names it, the asset is read as it is now. */
async function withAssets(ports: Ports, events: LiveEvent[]): Promise<LiveEvent[]> {
  const named = (e: LiveEvent) => (NAMES_ASSET.has(e.event) ? (e.payload as { assetId?: string } | undefined)?.assetId : undefined);
  const ids = [...new Set(events.map(named).filter((id): id is string => id !== undefined))];
  if (ids.length === 0) return events;
  const [assets, exif] = await Promise.all([getAssets(ports.db, ids), getExif(ports.db, ids)]);
  const byId = new Map(assets.map((a) => [a.id, assetDto(a, exif.get(a.id))]));
  return events.flatMap((e) => {
    const id = named(e);
    if (id === undefined) return [e];
    const asset = byId.get(id);
    // Gone (or locked away) since: nothing to show.
    return asset && asset.visibility !== 'locked' ? [{ ...e, payload: asset }] : [];
  });
}

export function startLiveUpdates(server: HttpServer, ports: Ports): LiveUpdates {
  const io = new Server(server, { path: '/api/socket.io', serveClient: false, transports: ['websocket', 'polling'] });
  io.use((socket, next) => {
    authenticateHeaders(ports, socket.request.headers).then(
      (auth) => {
        if (!auth || auth.sharedLink) return next(new Error('Authentication required'));
        socket.data.userId = auth.user.id;
        next();
      },
      (error: Error) => next(error),
    );
  });
  let seen: string | undefined;
  io.on('connection', (socket) => {
    void socket.join(socket.data.userId as string);
    socket.emit('on_server_version', SHOEBOX_VERSION.immichApi);
    // The first listener starts the count at the moment it came, not at the next look.
    if (seen === undefined) {
      void currentSyncSeq(ports.db).then(
        (now) => (seen ??= now),
        (error: Error) => ports.logger.warn('live updates: could not read where changes stand', { error: error.message }),
      );
    }
  });

  let looking = false;
  const look = async () => {
    if (looking) return;
    // Nobody listening: nothing to read (an idle server asks the database nothing), and the
    // next listener starts from the moment it came.
    if (io.engine.clientsCount === 0) {
      seen = undefined;
      return;
    }
    if (seen === undefined) return;
    looking = true;
    try {
      const now = await currentSyncSeq(ports.db);
      const { events: read, next } = await readLiveEvents(ports.db, seen, now);
      for (const e of await withAssets(ports, read)) {
        const to = e.userIds === 'everyone' ? io : io.to(e.userIds);
        if (e.payload === undefined) to.emit(e.event);
        else to.emit(e.event, e.payload);
      }
      seen = next;
    } catch (error) {
      ports.logger.warn('live updates: could not read changes', { error: (error as Error).message });
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), LOOK_EVERY_MS);
  timer.unref();
  void look();
  return {
    async stop() {
      clearInterval(timer);
      // Not io.close(): that would close the HTTP server too, which the runtime stops itself.
      io.disconnectSockets(true);
      io.engine.close();
    },
  };
}
