export const SHOEBOX_VERSION = {
  shoebox: '0.1.0',
  /** The Immich server API this Shoebox answers like (the @immich/sdk it is tested against). */
  immichApi: { major: 3, minor: 2, patch: 2 },
} as const;
