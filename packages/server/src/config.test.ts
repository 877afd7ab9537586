import { describe, expect, it } from 'vitest';
import { ConfigError, parseServeConfig, type ServeConfig } from './config.js';

const CWD = '/srv/app';

function parse(argv: string[], env: Record<string, string | undefined> = {}): ServeConfig {
  const result = parseServeConfig(argv, env, CWD);
  if (result === 'help') throw new Error('unexpected help');
  return result;
}

describe('parseServeConfig', () => {
  it('should default to 127.0.0.1:5000, ./data and token auth, without warnings', () => {
    const config = parse([]);
    expect(config).toEqual({ port: 5000, host: '127.0.0.1', dataDir: '/srv/app/data', auth: 'token', warnings: [] });
  });

  it('should warn that auth none lets anyone push, pull and delete', () => {
    const config = parse(['--auth', 'none']);
    expect(config.auth).toBe('none');
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toMatch(/^warning: .*anyone/);
  });

  it('should read WHARF_PUBLIC_URL and WHARF_ADMIN_PASSWORD, dropping a trailing slash', () => {
    const config = parse([], { WHARF_PUBLIC_URL: 'https://registry.example.com/', WHARF_ADMIN_PASSWORD: 's3cret-pass' });
    expect(config).toMatchObject({ publicUrl: 'https://registry.example.com', adminPassword: 's3cret-pass' });
  });

  it.each([['ftp://x'], ['not a url'], ['https://x/?a=1']])('should reject the public URL %j', (url) => {
    expect(() => parse(['--public-url', url])).toThrow(/^--public-url: expected an http or https URL/);
  });

  it('should read PORT, HOST, WHARF_DATA and WHARF_AUTH', () => {
    const config = parse([], { PORT: '6000', HOST: '0.0.0.0', WHARF_DATA: 'store', WHARF_AUTH: 'none' });
    expect(config).toMatchObject({ port: 6000, host: '0.0.0.0', dataDir: '/srv/app/store', auth: 'none' });
  });

  it('should let flags override the environment, in both --flag value and --flag=value forms', () => {
    const env = { PORT: '6000', HOST: '0.0.0.0', WHARF_DATA: '/env/data' };
    const config = parse(['--port', '7000', '--host=::1', '--data', '/flag/data', '--auth=none'], env);
    expect(config).toMatchObject({ port: 7000, host: '::1', dataDir: '/flag/data', auth: 'none' });
  });

  it('should treat empty environment variables as unset', () => {
    expect(parse([], { PORT: '', HOST: '', WHARF_DATA: '' })).toMatchObject({ port: 5000, host: '127.0.0.1', dataDir: '/srv/app/data' });
  });

  it('should accept port 0 (random)', () => {
    expect(parse(['--port', '0']).port).toBe(0);
  });

  it.each([['abc'], ['-1'], ['65536'], ['50.5'], ['']])('should reject the port %j', (port) => {
    expect(() => parse(['--port', port])).toThrow(ConfigError);
  });

  it('should name the source of a bad value', () => {
    expect(() => parse([], { PORT: 'http' })).toThrow(/^PORT: expected a port number/);
    expect(() => parse(['--port', 'http'])).toThrow(/^--port: expected a port number/);
  });

  it('should reject auth modes other than token and none', () => {
    expect(() => parse(['--auth', 'basic'])).toThrow(/--auth: unknown auth mode "basic"; this version supports: token, none/);
    expect(() => parse([], { WHARF_AUTH: 'ldap' })).toThrow(/^WHARF_AUTH: unknown auth mode "ldap"/);
  });

  it('should reject unknown flags and stray arguments', () => {
    expect(() => parse(['--prot', '5000'])).toThrow(ConfigError);
    expect(() => parse(['extra'])).toThrow(ConfigError);
    expect(() => parse(['--port'])).toThrow(ConfigError);
  });

  it('should read WHARF_STORAGE=s3://BUCKET[/PREFIX] and refuse anything else', () => {
    expect(parse([], { WHARF_STORAGE: 's3://registry/wharf/prod' }).storage).toEqual({ kind: 's3', bucket: 'registry', prefix: 'wharf/prod' });
    expect(parse([], { WHARF_STORAGE: 's3://registry' }).storage).toEqual({ kind: 's3', bucket: 'registry', prefix: '' });
    expect(parse([]).storage).toBeUndefined();
    expect(() => parse([], { WHARF_STORAGE: '/var/lib/wharf' })).toThrow(/^WHARF_STORAGE: expected s3:\/\/BUCKET/);
    expect(() => parse([], { WHARF_STORAGE: 's3://No_Such' })).toThrow(/^WHARF_STORAGE: .*not a valid bucket name/);
  });

  it('should read WHARF_S3_REDIRECT as on, off or a lifetime, and refuse it without S3 storage', () => {
    const s3 = { WHARF_STORAGE: 's3://registry' };
    expect(parse([], { ...s3, WHARF_S3_REDIRECT: '1' }).storage?.redirectSeconds).toBe(1200);
    expect(parse([], { ...s3, WHARF_S3_REDIRECT: '5m' }).storage?.redirectSeconds).toBe(300);
    expect(parse([], { ...s3, WHARF_S3_REDIRECT: '0' }).storage?.redirectSeconds).toBeUndefined();
    expect(parse([], s3).storage?.redirectSeconds).toBeUndefined();
    expect(() => parse([], { ...s3, WHARF_S3_REDIRECT: '8d' })).toThrow(/^WHARF_S3_REDIRECT: expected/);
    expect(() => parse([], { ...s3, WHARF_S3_REDIRECT: 'soon' })).toThrow(/^WHARF_S3_REDIRECT: expected/);
    expect(() => parse([], { WHARF_S3_REDIRECT: '1' })).toThrow(/needs WHARF_STORAGE/);
    expect(parse([], { WHARF_S3_REDIRECT: 'off' }).storage).toBeUndefined();
  });

  it('should answer help for --help and -h', () => {
    expect(parseServeConfig(['--help'], {}, CWD)).toBe('help');
    expect(parseServeConfig(['--port', '1', '-h'], {}, CWD)).toBe('help');
  });
});
