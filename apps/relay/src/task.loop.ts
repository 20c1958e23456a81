import type { Logger } from '@inventory/core';

export interface TaskLoop {
  /** Wakes the loop now instead of after its idle wait. */
  wake(): void;
  /** Stops after the iteration in flight; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/**
 * Runs `step` again and again. A step that did work runs again at once; an idle one waits
 * `idleMs` (or a wake()); a failing one is logged and retried with exponential backoff, so an
 * outage of MariaDB, Redis or Kafka delays the work and never drops it.
 */
export function startTaskLoop(
  name: string,
  step: () => Promise<boolean>,
  idleMs: number,
  logger: Logger,
): TaskLoop {
  let running = true;
  let wakeUp: (() => void) | undefined;
  let failures = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const finished = (async () => {
    while (running) {
      try {
        const busy = await step();
        failures = 0;
        if (!busy && running) await sleep(idleMs);
      } catch (err) {
        failures += 1;
        const backoff = Math.min(100 * 2 ** failures, 5_000);
        logger.error({ err, task: name, failures, backoffMs: backoff }, `${name} failed; retrying`);
        if (running) await sleep(backoff);
      }
    }
  })();

  return {
    wake: () => wakeUp?.(),
    async stop() {
      running = false;
      wakeUp?.();
      await finished;
    },
  };
}
