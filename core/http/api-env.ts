import type { ApiKey, User } from '../users/user-queries.js';
import type { Ports } from '../runtime/ports.js';
import type { SharedLink } from '../sharing/shared-link.js';

export interface AuthContext {
  user: User;
  /** Set when the request came with an API key; absent for session tokens. */
  apiKey?: ApiKey;
  sessionId?: string;
  /** The session's unlock as last read (see sessionUnlockedUntil); null when locked. */
  pinExpiresAt?: Date | null;
  /** This request comes from a session unlocked with the user's PIN: the locked folder is open to it. */
  elevated?: boolean;
  /** Set when the request came through a shared link (?key=); `user` is then the link's owner. */
  sharedLink?: SharedLink;
}

/** Hono's typed context for every Shoebox route: the ports and, once authenticated, who asks. */
export interface ApiEnv {
  Variables: {
    ports: Ports;
    auth: AuthContext;
  };
}
