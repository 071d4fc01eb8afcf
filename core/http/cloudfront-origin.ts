/**
 * The header CloudFront adds, with a secret generated at deploy, to requests for an origin that
 * must only be reached through it (the sync stream's function URL): the URL alone is not a way in.
 */
export const ORIGIN_HEADER = 'x-shoebox-origin-verify';
