/** Docker's token flow: scopes, challenges, keys, token verification and the token service. @module */
export * from './principal.js';
export { parseScope, parseScopes, formatScope, intersectAccess, covers, MAX_SCOPES } from './scope.js';
export { bearerChallenge, challengeError, type ChallengeError, type ChallengeOptions } from './challenge.js';
export { KeyRing, type KeyRingJSON, type SigningAlgorithm, type StoredKey } from './key-ring.js';
export {
  createTokenVerifier,
  DEFAULT_ALGORITHMS,
  TokenInvalidError,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedToken,
} from './token-verifier.js';
export { createBearerAuthorizer, type BearerAuthorizerOptions, type DeniedAccess, type TokenPrincipal } from './bearer-authorizer.js';
export { LoginThrottle, LOGIN_THROTTLE_DEFAULTS, type LoginThrottleOptions } from './login-throttle.js';
export { addressKey } from './client-address.js';
export { authenticateThrottled, guardLogin, loginLockedError, type LoginThrottlePolicy } from './throttled-login.js';
export {
  createTokenService,
  TOKEN_FORM_MAX_BYTES,
  type ClientAddress,
  type TokenResponse,
  type TokenService,
  type TokenServiceOptions,
} from './token-service.js';
