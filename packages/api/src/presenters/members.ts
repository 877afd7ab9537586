/**
 * Members of groups and projects in GitLab's JSON shape (`GET /groups/:id/members` and the
 * rest of the members API). Wharf keeps no display names, avatars or membership expiry, so
 * `name` is the username, `avatar_url` and `expires_at` are `null`, and every membership is
 * `active` (Wharf has no invitations or approvals waiting). The user fields are GitLab's
 * `UserBasic`, as in presenters/users.ts.
 * @module
 */
import { ACCESS_LEVELS, type MemberRecord, type UserRecord } from '@wharf/access';
import { presentUserBasic } from './users.js';

/** A membership and its user, as the members API lists it. */
export interface MemberView {
  readonly user: UserRecord;
  readonly member: MemberRecord;
}

/**
 * One member as GitLab shows it.
 * @param origin the public origin, for `web_url`
 */
export function presentMember({ user, member }: MemberView, origin: string) {
  return {
    ...presentUserBasic(user, { origin }),
    access_level: ACCESS_LEVELS[member.role],
    created_at: member.createdAt,
    expires_at: null,
    membership_state: 'active',
  };
}
