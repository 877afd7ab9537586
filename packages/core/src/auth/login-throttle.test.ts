import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

function clock() {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('LoginThrottle', () => {
  it('should let the first five failures through without delay', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 5; i++) throttle.fail('alice', '10.0.0.1');
    expect(throttle.retryAfterMs('alice', '10.0.0.1')).toBe(0);
  });

  it('should lock for 1 s after the sixth failure and double with each further one', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 6; i++) throttle.fail('alice', 'a');
    expect(throttle.retryAfterMs('alice', 'a')).toBe(1000);
    throttle.fail('alice', 'a');
    expect(throttle.retryAfterMs('alice', 'a')).toBe(2000);
    throttle.fail('alice', 'a');
    expect(throttle.retryAfterMs('alice', 'a')).toBe(4000);
    c.advance(4000);
    expect(throttle.retryAfterMs('alice', 'a')).toBe(0);
  });

  it('should cap the lock at maxLockMs', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now, maxLockMs: 60_000 });
    for (let i = 0; i < 40; i++) throttle.fail('alice', 'a');
    expect(throttle.retryAfterMs('alice', 'a')).toBe(60_000);
  });

  it('should clear the count after a success', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 6; i++) throttle.fail('alice', 'a');
    c.advance(1000);
    throttle.succeed('alice', 'a');
    throttle.fail('alice', 'a');
    expect(throttle.retryAfterMs('alice', 'a')).toBe(0);
  });

  it('should count per account and address, ignoring the account case', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 6; i++) throttle.fail('Alice', 'a');
    expect(throttle.retryAfterMs('alice', 'a')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('alice', 'b')).toBe(0);
    expect(throttle.retryAfterMs('bob', 'a')).toBe(0);
  });

  it('should forget the oldest keys beyond maxKeys', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now, maxKeys: 2, freeFailures: 0 });
    throttle.fail('a');
    throttle.fail('b');
    throttle.fail('c');
    expect(throttle.retryAfterMs('a')).toBe(0);
    expect(throttle.retryAfterMs('c')).toBe(1000);
  });
});
