/**
 * Online garbage collection: the protocol between a collector and the registries that keep
 * serving pushes and pulls on the same storage, possibly from several processes.
 *
 * ## The danger
 *
 * A collector marks what is reachable (tags → manifests → blobs) and sweeps the rest. A push
 * that *reuses* stored content can slip between the two: a client sees a blob exists (HEAD
 * 200), skips its upload, and puts a manifest referencing it after the collector read that
 * repository's tags; the blob looked unreferenced and old, and is swept under the new manifest.
 * New bytes are no danger (their files are fresh, and fresh files are never swept); reused
 * ones are. The paths that reuse content are: an upload of a blob that already exists
 * (`BlobStore.adopt`), a cross-repository mount, and a manifest PUT (the blobs, links and child
 * manifests it references; the revision of a manifest pushed again).
 *
 * ## The protocol
 *
 * 1. *Marker.* A collector writes `_gc/running/<run>` (paths.ts) and takes the marker's
 *    `modTime` as its start time (the storage's clock, the one `modTime`s are compared with).
 *    Each run owns its marker, so a run that lost its lock can never remove another's.
 * 2. *Settle.* It waits {@link DEFAULT_SETTLE_MS} before marking. Every process reads the
 *    markers at most {@link MARKER_CACHE_MS} apart (`GcSignal`), and while one is present,
 *    every reusing write *touches* what it reuses first (`StorageDriver.touch`): its `modTime`
 *    becomes now, so the sweep sees it as fresh. Before each touch it writes an empty record,
 *    `_gc/touched/<run>/<hash of the path>`, for every run whose marker it saw. A write that
 *    began before the marker existed is safe if it finished before marking began, which the settle time guarantees for writes
 *    shorter than {@link WRITE_BUDGET_MS} (counted from the start of the marker read they
 *    relied on). A write that took longer touches what it reused *after* writing, and fails if
 *    it is gone (manifest PUT: MANIFEST_BLOB_UNKNOWN; upload: its own verified copy is moved
 *    in; mount: the client uploads instead). So `settle ≥ budget > cache` must hold.
 * 3. *Mark.* From every tag, and from every manifest unless untagged ones are to be deleted
 *    (even then, from manifests whose revision is younger than the grace period: a multi-arch
 *    push stores its children by digest before the index), following index children and
 *    referrers (a manifest whose subject is kept is kept). A blob is marked when a kept
 *    manifest references it, or when a repository's link to it is younger than the grace
 *    period (an upload outside a collection does not touch an existing blob, but it rewrites
 *    the link; this is what "uploaded within the grace period" means for a blob that existed).
 * 4. *Sweep.* Whatever is unmarked and whose `modTime` is older than `start − grace` goes:
 *    stat-ed once more (touched since? it stays), moved into `_gc/trash/<run>/…` (keeps the
 *    `modTime`), then, after a short delay, stat-ed again and the run's touch records listed. A
 *    touch that raced in before the move's end shows as a changed `modTime` or as a record:
 *    the file is moved back. A touch after the move finds nothing, and the writer takes the
 *    file back from the trash itself (`touchExisting`); the recheck then finds it gone and
 *    leaves it alone. Otherwise the trashed file is deleted, and a write that wants it now
 *    fails as above (the client uploads again). Revisions, layer
 *    links and blobs go this way; referrer entries follow their revision (and are put back if
 *    the revision reappears); upload sessions started over {@link UPLOAD_MAX_AGE_MS} ago are
 *    purged.
 * 5. *Crash.* A crashed run leaves its lock (it expires: {@link LOCK_TTL_MS}), its marker
 *    (registries keep touching, which costs little, until the next run removes it) and at most
 *    its trash and its touch records. The next run first empties old trash: a trashed file
 *    whose `modTime` is not older than that run's start, or that has a record, was touched in
 *    the race above and goes back, the rest is deleted; then it drops other runs' records.
 * 6. *One at a time.* A lock file with a renewed expiry; a stale lock is taken over. Storage
 *    has no compare-and-swap, so the lock is confirmed by reading it back after the settle
 *    time and before every destructive batch; a run that finds it lost stops.
 * 7. *Movers.* An operation that moves a repository's files (rename) would let the mark miss
 *    them (read at the new name before they arrive, at the old one after they left). Such an
 *    operation registers in `_gc/movers/` and refuses to start while a collection runs; a
 *    collection waits for registered movers before it marks (`movers.ts`).
 *
 * ## Changes to the design as first drawn, and why
 *
 * - One marker per run (`_gc/running/<run>`) instead of one `_gc/state` file: a run that lost
 *   its lock can then never remove the marker of the run that took over.
 * - The start time is the marker's `modTime`, not the collector's clock.
 * - Writes slower than the budget touch again after writing (step 2): a fixed settle time
 *   alone cannot cover a write that stalls.
 * - Fresh layer links mark their blob (step 3): outside a collection an upload of an existing
 *   blob does not touch it (no cost outside GC), so without this rule a blob uploaded again
 *   just before a run could be swept under the manifest that follows.
 * - A manifest PUT also touches the links it relies on (links are swept too) and the children
 *   of child manifests, down to their blobs: touching only the child's revision would keep it
 *   but not what it references.
 * - The look right before the move, and writers taking files back from the trash: without
 *   them, a push that reused a file during its trip through the trash failed, or a pull of it
 *   got a 404, for the recheck delay (the load test saw it: 2 in 800 pushes).
 * - Renames (movers, step 7): a rename moves files, and neither touches nor settle help.
 * - Touch records (step 2, 4): a move that is not atomic with respect to touches lets a touch
 *   land on the source after the copy and be deleted with it (S3 has no rename: its move is
 *   HEAD, COPY carrying the HEAD's modTime, DELETE). A conditional DELETE would close that
 *   window, but not every S3-compatible store has one (Debian's Ceph RGW 16 does not), so the
 *   touch leaves evidence that survives the delete instead: one empty object per touched path
 *   and run, written before the touch, read by the recheck after the moves.
 * - Crash recovery judges trashed files against the crashed run's start (from its id), not the
 *   current grace period.
 *
 * ## Where the guarantee ends
 *
 * - Every process serving the storage must speak this protocol (this version or later): a
 *   registry that does not watch the markers does not touch. Upgrade all of them before
 *   collecting online.
 * - Clocks: `modTime`s and the start time come from the storage, touches from the process
 *   that touches (`utimes`): on storage shared by several machines, keep their clocks in sync
 *   and the grace period well above their skew.
 * - A touch is not durable across a power loss; a collector that survives a power loss of the
 *   process that touched (another machine) may see the old time.
 * - Touch records stand in for atomic moves: they are read after the moves they guard, and
 *   storage must show a file written before a listing of its directory starts (S3 has been
 *   strongly consistent since 2020; Ceph RGW and local filesystems are).
 * @module
 */

// The two numbers the serving side reads are defined beside it (blobs/gc-signal.ts).
export { MARKER_CACHE_MS, WRITE_BUDGET_MS } from '../blobs/gc-signal.js';
/** How long a collector waits after writing its marker before it marks (≥ the budget). */
export const DEFAULT_SETTLE_MS = 3_000;
/** How long new content is safe from collection even when unreferenced. */
export const DEFAULT_GRACE_MS = 60 * 60 * 1_000;
/** Upload sessions started longer ago than this are purged. */
export const UPLOAD_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1_000;
/** A lock not renewed for this long is stale and may be taken over. */
export const LOCK_TTL_MS = 60_000;
/** How long trashed files wait before their recheck (lets in-flight touches land). */
export const DEFAULT_RECHECK_DELAY_MS = 500;
