import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDigest } from '../digest.js';
import { PATH_PATTERN } from './driver.js';
import { pathFor, type PathSpec } from './paths.js';

const digest = parseDigest(`sha256:${'ab'.repeat(32)}`);
const other = parseDigest(`sha256:${'cd'.repeat(32)}`);
const name = 'group/project/image';
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const table: Array<[PathSpec, string]> = [
  [{ kind: 'blobsRoot' }, '/wharf/v1/blobs'],
  [{ kind: 'blob', digest }, `/wharf/v1/blobs/sha256/ab/${digest.hex}`],
  [{ kind: 'repositoriesRoot' }, '/wharf/v1/repositories'],
  [{ kind: 'repository', name }, '/wharf/v1/repositories/group/project/image'],
  [{ kind: 'layersDir', name }, '/wharf/v1/repositories/group/project/image/_layers'],
  [{ kind: 'layerLink', name, digest }, `/wharf/v1/repositories/group/project/image/_layers/sha256/${digest.hex}`],
  [{ kind: 'revisionsDir', name }, '/wharf/v1/repositories/group/project/image/_manifests/revisions'],
  [{ kind: 'revision', name, digest }, `/wharf/v1/repositories/group/project/image/_manifests/revisions/sha256/${digest.hex}`],
  [{ kind: 'tagsDir', name }, '/wharf/v1/repositories/group/project/image/_manifests/tags'],
  [{ kind: 'tag', name, tag: 'v1.0' }, '/wharf/v1/repositories/group/project/image/_manifests/tags/v1.0'],
  [{ kind: 'referrersDir', name, subject: digest }, `/wharf/v1/repositories/group/project/image/_referrers/sha256/${digest.hex}`],
  [{ kind: 'referrer', name, subject: digest, digest: other }, `/wharf/v1/repositories/group/project/image/_referrers/sha256/${digest.hex}/sha256-${other.hex}`],
  [{ kind: 'uploadsDir', name }, '/wharf/v1/repositories/group/project/image/_uploads'],
  [{ kind: 'uploadState', name, id: 'u-1' }, '/wharf/v1/repositories/group/project/image/_uploads/u-1.state'],
  [{ kind: 'uploadData', name, id: 'u-1' }, '/wharf/v1/repositories/group/project/image/_uploads/u-1.data'],
  [{ kind: 'cleanupRoot' }, '/wharf/v1/_lifecycle/cleanup'],
  [{ kind: 'cleanupPolicy', project: 'group/project' }, '/wharf/v1/_lifecycle/cleanup/group/project/_policy.json'],
  [{ kind: 'cleanupState', project: 'group/project' }, '/wharf/v1/_lifecycle/cleanup/group/project/_state.json'],
  [{ kind: 'cleanupLease', project: 'group/project' }, '/wharf/v1/_lifecycle/cleanup/group/project/_lease.json'],
  [{ kind: 'gcLock' }, '/wharf/v1/_gc/lock'],
  [{ kind: 'gcRunningDir' }, '/wharf/v1/_gc/running'],
  [{ kind: 'gcRunning', run: '1700000000000-ab12' }, '/wharf/v1/_gc/running/1700000000000-ab12'],
  [{ kind: 'gcMoversDir' }, '/wharf/v1/_gc/movers'],
  [{ kind: 'gcMover', id: 'm-1' }, '/wharf/v1/_gc/movers/m-1'],
  [{ kind: 'gcTrashDir' }, '/wharf/v1/_gc/trash'],
  [{ kind: 'gcTrashRun', run: 'r1' }, '/wharf/v1/_gc/trash/r1'],
  [{ kind: 'gcTrash', run: 'r1', path: `/wharf/v1/blobs/sha256/ab/${digest.hex}` }, `/wharf/v1/_gc/trash/r1/blobs/sha256/ab/${digest.hex}`],
  [{ kind: 'eventsRoot' }, '/wharf/v1/_events'],
  [{ kind: 'eventQueueDir', endpoint: 'webhook' }, '/wharf/v1/_events/webhook/queue'],
  [{ kind: 'eventQueued', endpoint: 'webhook', file: '01HZY0000000000000000000AB.0.0' }, '/wharf/v1/_events/webhook/queue/01HZY0000000000000000000AB.0.0'],
  [{ kind: 'eventSendingDir', endpoint: 'webhook' }, '/wharf/v1/_events/webhook/sending'],
  [{ kind: 'eventSending', endpoint: 'webhook', file: '01HZY0000000000000000000AB.0.P1.17' }, '/wharf/v1/_events/webhook/sending/01HZY0000000000000000000AB.0.P1.17'],
  [{ kind: 'eventDeadDir', endpoint: 'webhook' }, '/wharf/v1/_events/webhook/dead'],
  [{ kind: 'eventDead', endpoint: 'webhook', file: '01HZY0000000000000000000AB' }, '/wharf/v1/_events/webhook/dead/01HZY0000000000000000000AB'],
  [{ kind: 'quotaReservationsDir', namespace: 'team' }, `/wharf/v1/_quota/${sha256Hex('team')}`],
  [{ kind: 'quotaReservation', namespace: 'team', file: `1733152202000.1024.sha256-${digest.hex}.6f1c2a3b.published` }, `/wharf/v1/_quota/${sha256Hex('team')}/1733152202000.1024.sha256-${digest.hex}.6f1c2a3b.published`],
];

describe('storage layout', () => {
  it.each(table)('should place %j at %s', (spec, expected) => {
    expect(pathFor(spec)).toBe(expected);
    expect(PATH_PATTERN.test(expected)).toBe(true);
  });

  it('should cover every path kind', () => {
    const kinds = new Set(table.map(([spec]) => spec.kind));
    expect(kinds.size).toBe(table.length);
  });
});
