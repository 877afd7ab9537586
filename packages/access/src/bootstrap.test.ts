import { describe, expect, it } from 'vitest';
import { createAccessHooks } from './auth/access-hooks.js';
import { bootstrapAdmin } from './bootstrap.js';
import { openTestStore, tempDirs } from './test-support.js';

const tempDir = tempDirs();

describe('bootstrapAdmin', () => {
  it('should create an admin with a generated password on an empty store, once', async () => {
    const store = await openTestStore(await tempDir());
    const result = await bootstrapAdmin(store);
    if (!result.created) throw new Error('expected an admin');
    expect(result.password).toMatch(/^[0-9A-Za-z]{24}$/);
    expect(await store.getUser('admin')).toMatchObject({ admin: true, hasPassword: true });
    const principal = await createAccessHooks(store).authenticate({ kind: 'password', username: 'admin', password: result.password });
    expect(principal).toMatchObject({ kind: 'user', username: 'admin' });
    expect(await bootstrapAdmin(store)).toEqual({ created: false });
  });

  it('should use the given password, and refuse a weak one', async () => {
    const store = await openTestStore(await tempDir());
    await expect(bootstrapAdmin(store, { password: 'short' })).rejects.toMatchObject({ code: 'INVALID' });
    expect(await bootstrapAdmin(store, { password: 'chosen-password' })).toEqual({
      created: true,
      username: 'admin',
      password: 'chosen-password',
    });
  });

  it('should create the admin when only non-admin users exist (made with wharf admin before the first start)', async () => {
    const store = await openTestStore(await tempDir());
    await store.createUser({ username: 'alice' });
    expect(await bootstrapAdmin(store)).toMatchObject({ created: true, username: 'admin' });
  });

  it('should do nothing when an administrator or a user named admin exists', async () => {
    const withAdmin = await openTestStore(await tempDir());
    await withAdmin.createUser({ username: 'root', admin: true });
    expect(await bootstrapAdmin(withAdmin)).toEqual({ created: false });
    const withName = await openTestStore(await tempDir());
    await withName.createUser({ username: 'admin' });
    expect(await bootstrapAdmin(withName)).toEqual({ created: false });
  });

  it('should create one admin when two processes bootstrap at once', async () => {
    const dir = await tempDir();
    const [a, b] = await Promise.all([openTestStore(dir), openTestStore(dir)]);
    const results = await Promise.all([bootstrapAdmin(a), bootstrapAdmin(b)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await a.listUsers()).toHaveLength(1);
  });
});
