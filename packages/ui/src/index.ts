/**
 * @wharf/ui — the Container Registry page: server-rendered HTML over `@wharf/core`'s
 * management API, as a Hono app any host mounts (`app.route('/registry', createRegistryUi(...))`).
 * @module
 */
export { createRegistryUi } from './create-registry-ui.js';
export type { RegistryUiOptions, UiUser } from './options.js';
