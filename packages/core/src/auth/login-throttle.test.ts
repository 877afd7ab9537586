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

describe('LoginThrottle: per address', () => {
  it('should let an address fail 30 times over any names, then once more every 20 s', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 30; i++) {
      expect(throttle.retryAfterMs(`ghost-${i}`, '10.0.0.1')).toBe(0);
      throttle.fail(`ghost-${i}`, '10.0.0.1');
    }
    expect(throttle.retryAfterMs('ghost-new', '10.0.0.1')).toBe(20_000);
    expect(throttle.retryAfterMs('ghost-new', '10.0.0.2')).toBe(0);
    c.advance(20_000);
    expect(throttle.retryAfterMs('ghost-new', '10.0.0.1')).toBe(0);
    throttle.fail('ghost-new', '10.0.0.1');
    expect(throttle.retryAfterMs('ghost-newer', '10.0.0.1')).toBe(20_000);
  });

  it('should follow addressFreeFailures and addressWindowMs, and never wait longer than maxLockMs', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now, addressFreeFailures: 2, addressWindowMs: 10_000, maxLockMs: 3_000 });
    throttle.fail('a', 'x');
    throttle.fail('b', 'x');
    expect(throttle.retryAfterMs('c', 'x')).toBe(3_000); // 5 s to drain one, capped
    for (let i = 0; i < 10; i++) throttle.fail(`d${i}`, 'x');
    expect(throttle.retryAfterMs('e', 'x')).toBe(3_000);
  });

  it('should take back only the succeeding attempt at the address, so successes buy no guesses', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now, addressFreeFailures: 3 });
    for (let i = 0; i < 6; i++) {
      throttle.fail(`ghost-${i}`, 'x'); // a guess
      throttle.fail('mallory', 'x'); // their own login, counted when it starts…
      throttle.succeed('mallory', 'x'); // …and taken back
    }
    expect(throttle.retryAfterMs('ghost-next', 'x')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('mallory', 'x')).toBeGreaterThan(0);
  });

  it('should keep no address count without an address, and none with addressFreeFailures Infinity', () => {
    const c = clock();
    const unknown = new LoginThrottle({ now: c.now, addressFreeFailures: 1 });
    for (let i = 0; i < 5; i++) unknown.fail(`ghost-${i}`);
    expect(unknown.retryAfterMs('someone')).toBe(0);
    const off = new LoginThrottle({ now: c.now, addressFreeFailures: Infinity });
    for (let i = 0; i < 100; i++) off.fail(`ghost-${i}`, 'x');
    expect(off.retryAfterMs('someone', 'x')).toBe(0);
  });

  it('should key IPv6 addresses by /64 and IPv4-mapped ones as IPv4', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now, freeFailures: 1 });
    throttle.fail('alice', '2001:db8:1:2::1');
    throttle.fail('alice', '2001:db8:1:2:ffff::9');
    expect(throttle.retryAfterMs('alice', '2001:0db8:0001:0002:1:2:3:4')).toBe(1000);
    expect(throttle.retryAfterMs('alice', '2001:db8:1:3::1')).toBe(0);
    throttle.fail('bob', '::ffff:10.1.2.3');
    throttle.fail('bob', '10.1.2.3');
    expect(throttle.retryAfterMs('bob', '10.1.2.3')).toBe(1000);
  });
});
