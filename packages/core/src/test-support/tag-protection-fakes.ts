/**
 * A small tag protection for core's tests: tags starting with `v` are immutable; tags starting
 * with `rel-` are protected, and only the principal `{ subject: 'boss' }` may push or delete
 * them. Every question asked is recorded.
 */
import { RegistryError } from '../errors/registry-error.js';
import type { TagChange, TagProtection } from '../api/tag-protection.js';
import { createRegistry, type Registry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';

export interface RecordingProtection extends TagProtection {
  readonly changes: TagChange[];
}

export function recordingProtection(): RecordingProtection {
  const changes: TagChange[] = [];
  const isBoss = (principal: unknown) => (principal as { subject?: unknown } | undefined)?.subject === 'boss';
  return {
    changes,
    checkTagChange(change) {
      changes.push(change);
      for (const state of change.tags) {
        if (state.tag.startsWith('v') && (change.action === 'delete' || state.overwrite)) {
          throw new RegistryError('DENIED', `tag "${state.tag}" is immutable`);
        }
        if (state.tag.startsWith('rel-') && !isBoss(change.principal)) {
          throw new RegistryError('DENIED', `tag "${state.tag}" is protected: ${change.action === 'push' ? 'pushing' : 'deleting'} it needs the boss`);
        }
      }
    },
    async protectedTags(_repository, tags) {
      return new Set(tags.filter((t) => t.startsWith('v') || t.startsWith('rel-')));
    },
  };
}

/**
 * A registry over memory with {@link recordingProtection}; on `/v2` the `X-Principal` header
 * names the caller (every access asked for is granted).
 */
export function protectedRegistry(): { registry: Registry; protection: RecordingProtection } {
  const protection = recordingProtection();
  const registry = createRegistry({
    storage: new MemoryStorage(),
    tagProtection: protection,
    hooks: {
      onAuthorize: ({ request, required, optional }) => {
        const subject = request.headers.get('x-principal');
        return { principal: subject ? { subject } : undefined, granted: [...required, ...optional] };
      },
    },
  });
  return { registry, protection };
}
