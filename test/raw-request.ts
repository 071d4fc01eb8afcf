import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP(S) request with what fetch will not do: any Host header, a chosen source address
 * (each 127.x address is another device), a private CA (a proxy's own certificate), a body
 * streamed from a Readable (its content-length then comes from the caller's headers).
 */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string | Readable; localAddress?: string; ca?: Buffer } = {},
): Promise<RawResponse> {
  const client = url.startsWith('https:') ? https : http;
  const length = opts.body === undefined || opts.body instanceof Readable ? {} : { 'content-length': String(Buffer.byteLength(opts.body)) };
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: opts.method ?? 'GET', localAddress: opts.localAddress, ca: opts.ca, headers: { ...length, ...opts.headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    if (opts.body instanceof Readable) opts.body.on('error', reject).pipe(request);
    else request.end(opts.body);
  });
}
