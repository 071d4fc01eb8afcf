import { timingSafeEqual } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { portsFromEnvironment } from '../../adapters/lambda-entry.js';
import { ORIGIN_HEADER } from '../../core/http/cloudfront-origin.js';
import type { Ports } from '../../core/runtime/ports.js';
import { createApi } from './app.js';

/**
 * The phone app's sync stream on AWS. A first sync of a large library is tens of MB of JSON
 * lines, past a Lambda's 6 MB buffered answer and API Gateway's 29 s, so `/api/sync/stream`
 * alone goes from CloudFront to this function's URL in response-streaming mode: the lines leave
 * as they are read, page by page, exactly as on the local server (the same Hono route). The
 * app's sync loop reads one stream to its end, so bounded batches would leave it half-synced
 * until its next trigger; streaming needs nothing of the app.
 */

/** What the Lambda Node.js runtime offers a streaming handler, as the global `awslambda`. */
export interface LambdaStreamingRuntime {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: Writable, metadata: HttpResponseMetadata): Writable };
}
export type StreamingHandler = (event: APIGatewayProxyEventV2, responseStream: Writable, context: Context) => Promise<void>;
interface HttpResponseMetadata {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
}
/** The runtime's global, where there is one (hono types a variant of it globally; this is ours). */
const lambdaRuntime = () => (globalThis as unknown as { awslambda?: LambdaStreamingRuntime }).awslambda;

/** The one route this function serves; CloudFront sends it nothing else, and anything else is refused. */
const ROUTE = { method: 'POST', path: '/api/sync/stream' };

/** A function-URL event (payload 2.0) as a fetch Request. */
export function requestOf(event: APIGatewayProxyEventV2): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const host = event.headers?.['x-forwarded-host'] ?? event.requestContext.domainName;
  const url = `https://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const method = event.requestContext.http.method;
  const body = event.body === undefined || method === 'GET' || method === 'HEAD' ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return new Request(url, { method, headers, body });
}

const sameSecret = (given: string | undefined, expected: string) =>
  given !== undefined && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/** The handler over given ports: the app's answer, its status and headers first, then its body as it comes. */
export function syncStreamHandler(ports: () => Promise<Ports>, originSecret: string | undefined): StreamingHandler {
  let api: ReturnType<typeof createApi> | undefined;
  return async (event, responseStream, context) => {
    let response: Response;
    if (originSecret && !sameSecret(event.headers?.[ORIGIN_HEADER], originSecret)) {
      response = Response.json({ message: 'Forbidden' }, { status: 403 });
    } else if (event.requestContext.http.method !== ROUTE.method || event.rawPath !== ROUTE.path) {
      response = Response.json({ message: 'Not found' }, { status: 404 });
    } else {
      api ??= createApi(await ports());
      response = await api.fetch(requestOf(event), { event, context });
    }
    const headers: Record<string, string> = {};
    const cookies: string[] = [];
    response.headers.forEach((value, name) => (name === 'set-cookie' ? cookies.push(value) : (headers[name] = value)));
    const out = lambdaRuntime()!.HttpResponseStream.from(responseStream, { statusCode: response.status, headers, cookies });
    if (!response.body) {
      out.end();
      return;
    }
    // A failure mid-way (the database gone) ends the stream early: the app keeps the acks it
    // sent for what it received, and the next sync goes on from there.
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), out).catch((error: Error) => {
      ports().then((p) => p.logger.error('sync stream cut off', { error: error.message }), () => undefined);
      out.destroy(error);
    });
  };
}

// In Lambda: the ports from the environment, the secret CloudFront was given.
export const handler = lambdaRuntime()?.streamifyResponse(syncStreamHandler(portsFromEnvironment, process.env.SHOEBOX_ORIGIN_SECRET));
