import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses an account after too many wrong passwords, until the window has passed', () => {
    const throttle = new LoginThrottle(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('Me@Example.com', 1000 * i)).toBe(0);
      throttle.recordFailure('me@example.com', 1000 * i);
    }
    expect(throttle.retryAfterMs('ME@example.com', 3000)).toBe(57_000);
    expect(throttle.retryAfterMs('someone-else@example.com', 3000)).toBe(0);
    expect(throttle.retryAfterMs('me@example.com', 60_001)).toBe(0);
  });

  it('forgets the failures after a successful login', () => {
    const throttle = new LoginThrottle(2, 60_000);
    throttle.recordFailure('a@b.c', 0);
    throttle.recordSuccess('a@b.c');
    throttle.recordFailure('a@b.c', 1);
    expect(throttle.retryAfterMs('a@b.c', 2)).toBe(0);
  });
});
