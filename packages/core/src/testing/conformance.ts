/**
 * The storage driver conformance suite.
 *
 * Every case is data (a name and a function, in the `cases-*.ts` modules) and runs against the
 * driver under test inside its own top-level directory. The runner, not the cases, enforces
 * cleanliness: after each case the directory must be gone and `list('/')` must be back to
 * what it was, so a driver whose `delete`, `cancel` or implicit directories leak fails here.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { contentCases, readerCases } from './cases-content.js';
import { miscCases } from './cases-misc.js';
import { deleteCases, listCases, moveCases, statCases } from './cases-tree.js';
import { touchCases } from './cases-touch.js';
import { writerCases } from './cases-writer.js';
import type { CaseContext, ConformanceCase } from './helpers.js';

/** Options of {@link describeDriverConformance}. */
export interface DriverConformanceOptions {
  /** Shown in the `describe` title, e.g. `filesystem`. */
  readonly name: string;
  /** Make a driver. Called once for the suite, and again by cases that need an empty store. */
  create(): Promise<StorageDriver> | StorageDriver;
  /** Release a driver made by `create` (remove its temp directory, close clients). */
  destroy?(driver: StorageDriver): Promise<void> | void;
  /**
   * Cases this driver cannot pass, by exact case name, each with the reason shown in the
   * report. Naming a case that does not exist is an error, so typos do not hide failures.
   */
  readonly skip?: Readonly<Record<string, string>>;
}

const cases: readonly ConformanceCase[] = [
  ...contentCases,
  ...readerCases,
  ...writerCases,
  ...statCases,
  ...listCases,
  ...moveCases,
  ...deleteCases,
  ...touchCases,
  ...miscCases,
];

/** The names of all conformance cases: the valid keys of {@link DriverConformanceOptions.skip}. */
export const CONFORMANCE_CASES: readonly string[] = cases.map((c) => c.name);

/**
 * Register the conformance suite for a driver with vitest (call it at the top level of a test
 * file). Each case is an `it('should …')`; skipped cases appear as `it.skip` with their reason.
 *
 * @throws Error at collection time when `skip` names an unknown case.
 * @example
 * describeDriverConformance({
 *   name: 'memory',
 *   create: () => new MemoryStorage(),
 *   skip: { 'should list the root of an empty store as []': 'the bucket is shared' },
 * });
 */
export function describeDriverConformance(options: DriverConformanceOptions): void {
  const skip = options.skip ?? {};
  const unknown = Object.keys(skip).filter((name) => !CONFORMANCE_CASES.includes(name));
  if (unknown.length > 0) {
    throw new Error(`describeDriverConformance(${options.name}): skip names unknown cases: ${unknown.join('; ')}`);
  }

  describe(`storage driver conformance: ${options.name}`, () => {
    let driver: StorageDriver | undefined;
    beforeAll(async () => {
      driver = await options.create();
    });
    afterAll(async () => {
      if (driver) await options.destroy?.(driver);
    });

    for (const c of cases) {
      const reason = skip[c.name];
      if (reason !== undefined) it.skip(`${c.name} (skipped: ${reason})`, () => {});
      else it(c.name, () => runCase(c, driver!, options));
    }
  });
}

async function runCase(c: ConformanceCase, driver: StorageDriver, options: DriverConformanceOptions): Promise<void> {
  const slug = c.name.replace(/^should /, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40);
  const prefix = `/conformance-${slug.replace(/-+$/, '')}-${randomUUID().slice(0, 8)}`;
  const fresh: StorageDriver[] = [];
  const context: CaseContext = {
    driver,
    prefix,
    path: (...components) => [prefix, ...components].join('/'),
    fresh: async () => {
      const d = await options.create();
      fresh.push(d);
      return d;
    },
  };
  const rootBefore = (await driver.list('/')).sort();
  let failure: unknown;
  try {
    await c.run(context);
  } catch (error) {
    failure = error ?? new Error('the case failed');
  }
  for (const d of fresh) await options.destroy?.(d);
  // When the case already failed, its own error is the one worth reporting.
  if (failure !== undefined) {
    await findLeftovers(driver, prefix, rootBefore).catch(() => undefined);
    throw failure;
  }
  const leftover = await findLeftovers(driver, prefix, rootBefore);
  if (leftover) throw new Error(`the case left files behind: ${leftover}`);
}

/** Describe what a case left behind (and delete it, so later cases start clean). */
async function findLeftovers(driver: StorageDriver, prefix: string, rootBefore: string[]): Promise<string | undefined> {
  const problems: string[] = [];
  try {
    const left = await driver.list(prefix);
    problems.push(`${prefix} still lists ${JSON.stringify(left)}`);
    await driver.delete(prefix);
  } catch (error) {
    if (!(error instanceof PathNotFoundError)) throw error;
  }
  const rootAfter = (await driver.list('/')).sort();
  if (JSON.stringify(rootAfter) !== JSON.stringify(rootBefore)) {
    problems.push(`list('/') was ${JSON.stringify(rootBefore)} before, ${JSON.stringify(rootAfter)} after`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
