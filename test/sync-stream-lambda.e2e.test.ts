import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { PassThrough, type Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaStreamingRuntime, StreamingHandler } from '../functions/api/sync-stream-handler.js';
import { APP_SYNC_TYPES } from './immich-shapes.js';
import { colourPhoto } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, type TestRuntime } from './test-runtime.js';

/**
 * The Lambda runtime's side of response streaming, as AWS documents it for Node.js: the
 * handler is marked by `streamifyResponse`, and `HttpResponseStream.from` writes the status and
 * headers as JSON, eight NUL bytes, then the body as the handler writes it.
 */
const runtime: LambdaStreamingRuntime = {
  streamifyResponse: (handler) => Object.assign(handler, { streaming: true }),
  HttpResponseStream: {
    from(stream: Writable, metadata) {
      stream.write(Buffer.concat([Buffer.from(JSON.stringify(metadata)), Buffer.alloc(8)]));
      return stream;
    },
  },
};

/** Invokes a streaming handler and splits what it wrote into the runtime's prelude and the body, noting when bytes came. */
async function invoke(handler: StreamingHandler, event: APIGatewayProxyEventV2) {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  await handler(event, stream, { awsRequestId: 'test' } as Context);
  await ended;
  const all = Buffer.concat(chunks);
  const cut = all.indexOf(Buffer.alloc(8));
  return { metadata: JSON.parse(all.subarray(0, cut).toString()) as { statusCode: number; headers: Record<string, string> }, body: all.subarray(cut + 8).toString(), writes: chunks.length };
}

/** A function-URL event (payload 2.0) as CloudFront forwards the app's request. */
function functionUrlEvent(opts: { method?: string; path?: string; headers?: Record<string, string>; body?: unknown; base64?: boolean }): APIGatewayProxyEventV2 {
  const text = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: opts.path ?? '/api/sync/stream',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-forwarded-host': 'photos.example.org', ...opts.headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'fnurl',
      domainName: 'fnurl.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'fnurl',
      http: { method: opts.method ?? 'POST', path: opts.path ?? '/api/sync/stream', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'Dart/3.8 (dart:io)' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '02/Dec/2026:02:00:00 +0000',
      timeEpoch: 0,
    },
    body: text === undefined ? undefined : opts.base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: opts.base64 ?? false,
  };
}

/**
 * The sync stream as it runs on AWS (functions/api/sync-stream-handler.ts), with the same
 * events a function URL hands it, over the same database as the local server: the same lines,
 * written as they are read (many writes, not one buffer), and nothing for requests that do not
 * come through CloudFront or are not the sync stream.
 */
describe('the sync stream on Lambda response streaming', () => {
  let server: TestRuntime;
  let handler: StreamingHandler;
  let token: string;
  const SECRET = 'a-secret-cloudfront-sends-0123456789';

  beforeAll(async () => {
    (globalThis as unknown as { awslambda?: LambdaStreamingRuntime }).awslambda = runtime;
    server = await startTestRuntime();
    const api = apiClient(server.url);
    const ada = await api.signUpAdmin('ada@example.com', 'a long enough password');
    token = (await api.call<{ accessToken: string }>('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'a long enough password' } })).body.accessToken;
    // Enough assets for several pages of the stream.
    const photo = await colourPhoto(200, 100, 50, 3, 64, 48);
    await api.upload(ada, photo, 'café.jpg');
    await insertSyntheticAssets(server.ports.db, ada.id, Array.from({ length: 2500 }, (_, i) => ({ localDateTime: `2024-01-01T10:${String(i % 60).padStart(2, '0')}:00`, city: 'São Paulo' })));
    const module = await import('../functions/api/sync-stream-handler.js');
    expect(module.handler).toEqual(expect.any(Function));
    handler = module.syncStreamHandler(async () => server.ports, SECRET);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    Reflect.deleteProperty(globalThis, 'awslambda');
  });

  const appHeaders = () => ({ authorization: `Bearer ${token}`, 'x-shoebox-origin-verify': SECRET });

  it('streams the same lines as the local server, as they are read', async () => {
    const local = await fetch(`${server.url}/api/sync/stream`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ types: APP_SYNC_TYPES }) });
    const expected = (await local.text()).trimEnd().split('\n');
    for (const base64 of [false, true]) {
      const answer = await invoke(handler, functionUrlEvent({ headers: appHeaders(), body: { types: APP_SYNC_TYPES }, base64 }));
      expect(answer.metadata.statusCode).toBe(200);
      expect(answer.metadata.headers['content-type']).toBe('application/jsonlines+json');
      const lines = answer.body.trimEnd().split('\n');
      // Everything but the closing line, whose ack is the moment of each stream.
      expect(lines.slice(0, -1)).toEqual(expected.slice(0, -1));
      expect(JSON.parse(lines.at(-1)!).type).toBe('SyncCompleteV1');
      expect(lines.filter((l) => l.includes('"AssetV2"'))).toHaveLength(2501);
      expect(answer.writes).toBeGreaterThan(100);
    }
  });

  it('answers errors as the API does, and serves nothing without CloudFront’s secret or outside the sync stream', async () => {
    const bad = await invoke(handler, functionUrlEvent({ headers: appHeaders(), body: { types: ['AssetsV9'] } }));
    expect(bad.metadata.statusCode).toBe(400);
    expect(JSON.parse(bad.body).message).toBeDefined();
    expect((await invoke(handler, functionUrlEvent({ headers: { 'x-shoebox-origin-verify': SECRET }, body: { types: APP_SYNC_TYPES } }))).metadata.statusCode).toBe(401);
    for (const secret of [undefined, 'wrong', `${SECRET}x`]) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (secret) headers['x-shoebox-origin-verify'] = secret;
      const refused = await invoke(handler, functionUrlEvent({ headers, body: { types: APP_SYNC_TYPES } }));
      expect(refused.metadata.statusCode).toBe(403);
      expect(refused.body).not.toContain('AssetV2');
    }
    for (const [method, path] of [['GET', '/api/sync/stream'], ['POST', '/api/auth/login'], ['GET', '/api/users/me']]) {
      expect((await invoke(handler, functionUrlEvent({ method, path, headers: appHeaders(), body: method === 'GET' ? undefined : {} }))).metadata.statusCode).toBe(404);
    }
  });
});
