import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from './key-ring.js';
import { createTokenVerifier, TokenInvalidError } from './token-verifier.js';

const ISSUER = 'wharf-test';
const SERVICE = 'registry.test';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function signWith(ring: KeyRing, claims: Record<string, unknown>, edit?: (jwt: SignJWT) => SignJWT): Promise<string> {
  const { kid, alg, privateKey } = ring.current;
  let jwt = new SignJWT({ access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }], ...claims })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(SERVICE)
    .setSubject('user:1')
    .setIssuedAt()
    .setExpirationTime(now() + 300);
  if (edit) jwt = edit(jwt);
  return jwt.sign(privateKey);
}

describe('createTokenVerifier', () => {
  let ring: KeyRing;
  beforeAll(async () => {
    ring = await KeyRing.generate();
  });
  const verifier = () => createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: ring });

  it('should accept a valid ES256 token and return its subject and access', async () => {
    const verified = await verifier().verify(await signWith(ring, {}));
    expect(verified.subject).toBe('user:1');
    expect(verified.access).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
  });

  it.each(['RS256', 'EdDSA'] as const)('should accept a token signed with %s', async (alg) => {
    const other = await KeyRing.generate(alg);
    const v = createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: other });
    expect((await v.verify(await signWith(other, {}))).subject).toBe('user:1');
  });

  it('should refuse alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: SERVICE, exp: now() + 300, access: [{ type: 'repository', name: 'team/app', actions: ['push'] }] })}.`;
    await expect(verifier().verify(token)).rejects.toThrow(/algorithm "none" is not accepted/);
  });

  it('should refuse an HS256 token signed with the public key as the secret', async () => {
    const publicJwk = ring.publicKeys[0]?.jwk;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const pem = await exportSPKI(ring.publicKeys[0]?.key as CryptoKey);
    for (const key of [secret, new TextEncoder().encode(pem)]) {
      const token = await new SignJWT({ access: [{ type: 'repository', name: 'team/app', actions: ['push'] }] })
        .setProtectedHeader({ alg: 'HS256', kid: ring.current.kid })
        .setIssuer(ISSUER)
        .setAudience(SERVICE)
        .setExpirationTime(now() + 300)
        .sign(key);
      await expect(verifier().verify(token)).rejects.toThrow(/algorithm "HS256" is not accepted/);
    }
  });

  it('should refuse a token whose payload was tampered with', async () => {
    const token = await signWith(ring, {});
    const [header, , signature] = token.split('.');
    const forged = b64({ iss: ISSUER, aud: SERVICE, sub: 'user:1', exp: now() + 300, access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }] });
    await expect(verifier().verify(`${header}.${forged}.${signature}`)).rejects.toThrow(/signature is invalid/);
  });

  it('should refuse a token signed by a key it does not know', async () => {
    const stranger = await KeyRing.generate();
    await expect(verifier().verify(await signWith(stranger, {}))).rejects.toThrow(TokenInvalidError);
  });

  it('should refuse an expired token, beyond the clock tolerance', async () => {
    const token = await signWith(ring, {}, (j) => j.setIssuedAt(now() - 600).setExpirationTime(now() - 60));
    await expect(verifier().verify(token)).rejects.toThrow(/expired/);
  });

  it('should accept a token expired by less than the clock tolerance', async () => {
    const token = await signWith(ring, {}, (j) => j.setExpirationTime(now() - 5));
    await expect(verifier().verify(token)).resolves.toBeTruthy();
  });

  it('should refuse a token that is not valid yet', async () => {
    const token = await signWith(ring, {}, (j) => j.setNotBefore(now() + 600).setExpirationTime(now() + 900));
    await expect(verifier().verify(token)).rejects.toThrow(/not valid yet/);
  });

  it('should refuse a token without exp', async () => {
    const { kid, alg, privateKey } = ring.current;
    const token = await new SignJWT({}).setProtectedHeader({ alg, kid }).setIssuer(ISSUER).setAudience(SERVICE).sign(privateKey);
    await expect(verifier().verify(token)).rejects.toThrow(TokenInvalidError);
  });

  it('should refuse a token from another issuer', async () => {
    const token = await signWith(ring, {}, (j) => j.setIssuer('evil'));
    await expect(verifier().verify(token)).rejects.toThrow(/unknown issuer/);
  });

  it('should refuse a token for another audience', async () => {
    const token = await signWith(ring, {}, (j) => j.setAudience('other-registry'));
    await expect(verifier().verify(token)).rejects.toThrow(/another service/);
  });

  it('should refuse a string that is not a JWT', async () => {
    await expect(verifier().verify('not-a-token')).rejects.toThrow(TokenInvalidError);
    await expect(verifier().verify('')).rejects.toThrow(TokenInvalidError);
  });

  it('should refuse a malformed access claim', async () => {
    await expect(verifier().verify(await signWith(ring, { access: 'everything' }))).rejects.toThrow(/malformed access claim/);
  });

  it('should drop unknown actions and invalid names from the access claim', async () => {
    const token = await signWith(ring, {
      access: [
        { type: 'repository', name: 'team/app', actions: ['pull', 'admin'] },
        { type: 'repository', name: 'Team/../x', actions: ['push'] },
        { type: 'registry', name: 'catalog', actions: ['*'] },
      ],
    });
    expect((await verifier().verify(token)).access).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  it('should keep verifying tokens of the previous key after a rotation, and new ones', async () => {
    const rotating = await KeyRing.generate();
    const v = createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: rotating });
    const before = await signWith(rotating, {});
    await rotating.rotate();
    const after = await signWith(rotating, {});
    await expect(v.verify(before)).resolves.toBeTruthy();
    await expect(v.verify(after)).resolves.toBeTruthy();
    rotating.prune(0, new Date(Date.now() + 1000));
    await expect(v.verify(before)).rejects.toThrow(TokenInvalidError);
    await expect(v.verify(after)).resolves.toBeTruthy();
  });

  it('should verify with a public JWKS and with a PEM key whose kid it does not know', async () => {
    const jwks = { keys: ring.publicKeys.map((k) => ({ ...k.jwk, kid: k.kid })) };
    await expect(createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: jwks }).verify(await signWith(ring, {}))).resolves.toBeTruthy();
    // GitLab-style: an RSA key configured as PEM, tokens carrying a libtrust kid.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const token = await new SignJWT({ access: [] })
      .setProtectedHeader({ alg: 'RS256', kid: 'ABCD:EFGH:IJKL:MNOP:QRST:UVWX:YZ23:4567:ABCD:EFGH:IJKL:MNOP' })
      .setIssuer(ISSUER)
      .setAudience(SERVICE)
      .setExpirationTime(now() + 60)
      .sign(createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })));
    await expect(createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: [pem] }).verify(token)).resolves.toBeTruthy();
    expect(createPublicKey(pem).asymmetricKeyType).toBe('rsa');
  });

  it('should refuse private keys given as verification keys', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    expect(() => createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: { keys: [jwk] } })).toThrow(/public keys/);
  });
});
