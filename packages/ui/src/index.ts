/**
 * @wharf/ui — the Container Registry page: server-rendered HTML over `@wharf/core`'s
 * management API, as a Hono app any host mounts (`app.route('/registry', createRegistryUi(...))`),
 * and a sign-in page for hosts that keep their own sessions.
 * @module
 */
export { createRegistryUi } from './create-registry-ui.js';
export type { RegistryUiOptions, UiAccountLinks, UiNamespace, UiNamespaces, UiUser } from './options.js';
export { renderAccountProblemPage, renderSignInPage, SignInPage, type SignInPageProps } from './views/sign-in.js';
