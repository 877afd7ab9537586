/**
 * Users in GitLab's JSON shapes, at GitLab's three levels of detail: the basic user (what
 * anyone who may list users sees, and what other objects embed), the user (one profile), and
 * the user with administrator fields (for administrators, and for a caller reading
 * themselves). Wharf keeps no display names, e-mail addresses or profiles, so `name` is the
 * username and the profile fields are empty rather than invented.
 * @module
 */
import type { UserRecord } from '@wharf/access';

/** Where users' pages are: the public origin. */
export interface UserUrls {
  readonly origin: string;
}

/** GitLab's `UserBasic`: `{ id, username, name, state, locked, avatar_url, web_url }`. */
export function presentUserBasic(user: UserRecord, urls: UserUrls) {
  return {
    id: user.number,
    username: user.username,
    name: user.username,
    state: user.blocked ? 'blocked' : 'active',
    locked: false,
    avatar_url: null,
    web_url: `${urls.origin}/${encodeURIComponent(user.username)}`,
  };
}

/** GitLab's `User` (`GET /users/:id` for a non-administrator): the basic user and its profile. */
export function presentUser(user: UserRecord, urls: UserUrls) {
  return {
    ...presentUserBasic(user, urls),
    created_at: user.createdAt,
    bio: '',
    location: '',
    public_email: null,
    website_url: '',
    organization: '',
    job_title: '',
    bot: false,
  };
}

/**
 * The user with the fields GitLab shows administrators and the user themself (`GET /user`):
 * `is_admin`, `external`, `two_factor_enabled` and the sign-in fields Wharf does not track.
 */
export function presentUserDetails(user: UserRecord, urls: UserUrls) {
  return {
    ...presentUser(user, urls),
    email: null,
    last_sign_in_at: null,
    current_sign_in_at: null,
    confirmed_at: user.createdAt,
    identities: [],
    two_factor_enabled: user.twoFactor,
    external: user.external,
    private_profile: false,
    is_admin: user.admin,
  };
}
