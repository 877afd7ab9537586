/**
 * Daemons a test run starts (a Docker engine, a Ceph gateway) must stop when the run ends, also
 * when it fails or is interrupted. Vitest runs a global setup's teardown on a normal end; this
 * adds the other exits of the main process: `exit` (sync work is allowed there) and SIGINT,
 * SIGTERM and SIGHUP, after which the signal is raised again so the run still ends as it would.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Run `stop` (synchronous, e.g. `spawnSync` of a stop script) once: at the returned teardown or
 * when the process exits or is signalled, whichever comes first.
 */
export function stopOnExit(stop: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    process.off('exit', once);
    for (const s of SIGNALS) process.off(s, onSignal);
    stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    once();
    process.kill(process.pid, signal);
  };
  process.once('exit', once);
  for (const s of SIGNALS) process.once(s, onSignal);
  return once;
}
