import { describe, expect, it } from 'vitest';
import { addressKey } from './client-address.js';

describe('addressKey', () => {
  it('should keep IPv4 addresses and unwrap IPv4-mapped ones', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::FFFF:192.0.2.1')).toBe('192.0.2.1');
  });

  it('should group IPv6 addresses by /64 however they are written', () => {
    const key = '2001:db8:0:1::/64';
    expect(addressKey('2001:db8:0:1::1')).toBe(key);
    expect(addressKey('2001:0DB8:0000:0001:abcd:ef01:2345:6789')).toBe(key);
    expect(addressKey('[2001:db8::1:0:0:1]')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('should give "" for no address and the input for what is not an IP address', () => {
    expect(addressKey(undefined)).toBe('');
    expect(addressKey('')).toBe('');
    expect(addressKey('not:an:address::x:y::')).toBe('not:an:address::x:y::');
    expect(addressKey('Some-Host')).toBe('some-host');
  });
});
