import type { Logger } from '@inventory/core';
import type { ActiveRelay } from './relay.js';
import type { RelayLock } from './relay.lock.js';

export interface StandbyOptions {
  lock: RelayLock;
  logger: Logger;
  start: () => Promise<ActiveRelay>;
  /** Told when this relay becomes active or goes back to standby (for the metrics). */
  onActive?: (active: boolean) => void;
  /** How long one lock attempt waits, and how often the active relay checks it still holds it. */
  checkSeconds?: number;
}

/**
 * Waits for the relay lock, runs the active relay while it is held, and goes back to waiting if
 * the lock is lost (its MariaDB connection died). Returns the stop function for shutdown.
 */
export function startStandbyLoop(options: StandbyOptions): () => Promise<void> {
  const { lock, logger } = options;
  const checkSeconds = options.checkSeconds ?? 2;
  let running = true;
  let active: ActiveRelay | undefined;

  const done = (async () => {
    let announced = false;
    while (running) {
      try {
        if (!active) {
          if (await lock.acquire(checkSeconds)) {
            active = await options.start();
            options.onActive?.(true);
          } else if (!announced) {
            logger.info('another relay is active: standing by');
            announced = true;
          }
          // GET_LOCK already waited; this yields to the event loop even if it answered at once.
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        await new Promise((r) => setTimeout(r, checkSeconds * 1_000));
        if (running && !(await lock.stillHeld())) {
          logger.error('relay lock lost: stopping active work and standing by');
          await active.stop();
          active = undefined;
          options.onActive?.(false);
        }
      } catch (err) {
        logger.error({ err }, 'relay lock check failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();

  return async () => {
    running = false;
    await done;
    await active?.stop();
    await lock.release();
  };
}
