/**
 * Failed-login counting per account: after `maxFailures` wrong passwords within `windowMs`,
 * further tries are refused until the window passes, so a password cannot be guessed at
 * network speed. Per process: on Lambda each container counts for itself, which still
 * caps guessing at a small multiple of the limit.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Milliseconds until this account may try again; 0 when it may now. */
  retryAfterMs(account: string, now: number): number {
    const recent = this.recent(account, now);
    return recent.length < this.maxFailures ? 0 : recent[0]! + this.windowMs - now;
  }

  recordFailure(account: string, now: number): void {
    const recent = this.recent(account, now);
    recent.push(now);
    this.failures.set(key(account), recent);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  recordSuccess(account: string): void {
    this.failures.delete(key(account));
  }

  private recent(account: string, now: number): number[] {
    return (this.failures.get(key(account)) ?? []).filter((time) => now - time < this.windowMs);
  }
}

function key(account: string): string {
  return account.trim().toLowerCase();
}

/**
 * Password guessing, throttled per client so that nobody can lock anyone else out: one client
 * gets `perAccount` wrong passwords for one account (or one shared link) and `perClient` across
 * all of them per window; the owner on their own device is never refused for what a stranger
 * did. A client is its address (or, behind a trusted proxy, the forwarded one).
 */
export class PasswordThrottle {
  private readonly pairs: LoginThrottle;
  private readonly clients: LoginThrottle;

  constructor(perAccount = 10, perClient = 30, windowMs = 15 * 60_000) {
    this.pairs = new LoginThrottle(perAccount, windowMs);
    this.clients = new LoginThrottle(perClient, windowMs);
  }

  retryAfterMs(client: string, account: string, now: number): number {
    return Math.max(this.pairs.retryAfterMs(`${client} ${account}`, now), this.clients.retryAfterMs(client, now));
  }

  recordFailure(client: string, account: string, now: number): void {
    this.pairs.recordFailure(`${client} ${account}`, now);
    this.clients.recordFailure(client, now);
  }

  recordSuccess(client: string, account: string): void {
    this.pairs.recordSuccess(`${client} ${account}`);
  }
}
