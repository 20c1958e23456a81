import { afterEach } from 'vitest';
import { type RunningPipeline, startPipeline } from './pipeline.js';

/**
 * For a test file that starts a whole pipeline per test: registers an afterEach that stops the one
 * the test started (also when the test failed), and returns the function that starts it.
 */
export function usePipeline(): (extraEnv?: Record<string, string>) => Promise<RunningPipeline> {
  let running: RunningPipeline | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  return async (extraEnv = {}) => {
    if (running) throw new Error('usePipeline: one pipeline per test');
    running = await startPipeline(extraEnv);
    return running;
  };
}
