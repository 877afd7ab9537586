import { describe, expect, it } from 'vitest';
import { describeDriverConformance } from '../testing/index.js';
import { PathNotFoundError } from './driver.js';
import { MemoryStorage } from './memory-driver.js';

describeDriverConformance({ name: 'memory', create: () => new MemoryStorage() });

describe('MemoryStorage', () => {
  it('should keep separate instances separate', async () => {
    const [a, b] = [new MemoryStorage(), new MemoryStorage()];
    await a.putContent('/file', new Uint8Array([1]));
    await expect(b.getContent('/file')).rejects.toBeInstanceOf(PathNotFoundError);
  });

  it('should reject storing a file beneath a file', async () => {
    const storage = new MemoryStorage();
    await storage.putContent('/file', new Uint8Array([1]));
    await expect(storage.putContent('/file/child', new Uint8Array([2]))).rejects.toThrow(/parent is a file/);
  });
});
