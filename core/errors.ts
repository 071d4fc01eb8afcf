/**
 * Expected outcomes of bad input. Each carries a message that tells the user what to do;
 * the API maps them to HTTP statuses in one place, queue stages record them on the asset.
 * Anything that is not one of these is a bug: it is thrown, logged, retried, dead-lettered.
 */
export abstract class ShoeboxError extends Error {
  abstract readonly status: number;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends ShoeboxError {
  readonly status = 400;
}
export class Unauthorized extends ShoeboxError {
  readonly status = 401;
}
export class Forbidden extends ShoeboxError {
  readonly status = 403;
}
export class NotFound extends ShoeboxError {
  readonly status = 404;
}
export class Conflict extends ShoeboxError {
  readonly status = 409;
}
export class PayloadTooLarge extends ShoeboxError {
  readonly status = 413;
}
export class UnsupportedMedia extends ShoeboxError {
  readonly status = 415;
}
/** The bytes are of a supported type but cannot be decoded (truncated, damaged, a bomb). */
export class CorruptFile extends ShoeboxError {
  readonly status = 422;
}
/** Over the user's storage quota: Immich answers 400 (the disk itself being full is a 507, core/http/errors.ts). */
export class QuotaExceeded extends ShoeboxError {
  readonly status = 400;
}
export class TooManyRequests extends ShoeboxError {
  readonly status = 429;
}

export function isShoeboxError(error: unknown): error is ShoeboxError {
  return error instanceof ShoeboxError;
}
/** A feature that needs something not there yet (a model not downloaded). */
export class Unavailable extends ShoeboxError {
  readonly status = 503;
}
/** A service the admin configured (the OpenID Connect provider) failed or answered wrongly; Immich answers 500. */
export class ExternalServiceFailure extends ShoeboxError {
  readonly status = 500;
}
