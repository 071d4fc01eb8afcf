import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { BadRequest, PayloadTooLarge } from '../errors.js';

/**
 * One file out of a multipart/form-data request, streamed to `consume` as it arrives (nothing is
 * held in memory). The form must hold `field`; other fields and files are skipped. A body cut
 * off or over `maxBytes` fails the promise with a clear error after `consume` has seen the
 * stream end in an error, so it can remove what it wrote.
 */
export function receiveMultipartFile<T>(
  request: Request,
  opts: { field: string; maxBytes: number },
  consume: (file: Readable, fileName: string) => Promise<T>,
): Promise<T> {
  if (!request.body) return Promise.reject(new BadRequest(`Expected a multipart/form-data body with a ${opts.field} file`));
  const headers: IncomingHttpHeaders = Object.fromEntries(request.headers);
  let parser: busboy.Busboy;
  try {
    // Immich's clients send file names as raw UTF-8; busboy's default would read them as latin1.
    parser = busboy({ headers, defParamCharset: 'utf8', limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: opts.maxBytes } });
  } catch {
    // Not a form: the body is left unread (and unlocked), so the API drains it and the connection lives on.
    return Promise.reject(new BadRequest(`Expected a multipart/form-data body with a ${opts.field} file`));
  }
  const body = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
  return new Promise<T>((resolve, reject) => {
    let consuming: Promise<T> | undefined;
    let file: PassThrough | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      file?.destroy(error);
      body.unpipe(parser);
      body.resume();
      // Whatever consume made of the stream must be undone before the caller hears of it.
      void (consuming ?? Promise.resolve()).catch(() => undefined).finally(() => reject(error));
    };
    parser.on('file', (name, stream, info) => {
      if (name !== opts.field || consuming) {
        // Skipped, but still heard: busboy errors a cut-off part's stream too.
        stream.on('error', () => undefined).resume();
        return;
      }
      // consume reads a PassThrough it owns; the form's own stream is ended with an error when cut.
      const received = new PassThrough();
      // Heard here too: consume may not be reading it yet when the body is cut, and an 'error'
      // no one listens to ends the process. consume still sees the stream fail.
      received.on('error', () => undefined);
      file = received;
      stream.on('limit', () => fail(new PayloadTooLarge(`The file is larger than ${opts.maxBytes} bytes`)));
      stream.on('error', () => fail(new BadRequest('The multipart body is malformed or was cut off')));
      stream.pipe(received);
      consuming = consume(received, info.filename ?? 'unnamed');
      consuming.catch(fail);
    });
    parser.on('error', () => fail(new BadRequest('The multipart body is malformed or was cut off')));
    parser.on('close', () => {
      if (settled) return;
      if (!consuming) {
        fail(new BadRequest(`The form has no ${opts.field} file`));
        return;
      }
      consuming.then(
        (value) => {
          settled = true;
          resolve(value);
        },
        (error: Error) => fail(error),
      );
    });
    body.on('error', () => fail(new BadRequest('The upload was interrupted')));
    body.pipe(parser);
  });
}
