import type { StockCommand } from './commands/command.js';
import { type StockCommandMethods, stockCommands } from './commands/index.js';
import { type ExecutorDeps, executeStockJobs, type StockJob } from './stock.executor.js';

/**
 * Many stock commands in one pipelined round trip (throughput), each with its own typed promise:
 * queue calls (`batch.reserve(…)`, one method per command), then `await batch.exec()`; every
 * queued promise is settled when exec resolves. Runs through the same executor as single calls.
 */
export interface StockBatch extends StockCommandMethods {
  /** Commands queued and not yet sent. */
  readonly length: number;
  exec(): Promise<void>;
}

type Dispatch = <Input, Outcome>(
  command: StockCommand<Input, Outcome, unknown>,
  input: Input,
) => Promise<Outcome>;

/** `{ reserve: (input) => dispatch(reserve, input), … }` for every command in stockCommands. */
export function commandMethods(dispatch: Dispatch): StockCommandMethods {
  const entries = Object.entries(stockCommands).map(([name, command]) => [
    name,
    (input: unknown) => dispatch(command as StockCommand<unknown, unknown, unknown>, input),
  ]);
  return Object.fromEntries(entries) as StockCommandMethods;
}

/** A promise for the outcome of `command`, and the job that settles it. */
export function newJob<Input, Outcome>(
  command: StockCommand<Input, Outcome, unknown>,
  input: Input,
): { job: StockJob; outcome: Promise<Outcome> } {
  let job: StockJob | undefined;
  const outcome = new Promise<Outcome>((resolve, reject) => {
    job = {
      command: command as StockJob['command'],
      input,
      resolve: resolve as StockJob['resolve'],
      reject,
    };
  });
  return { job: job as StockJob, outcome };
}

export function createStockBatch(deps: ExecutorDeps): StockBatch {
  let jobs: StockJob[] = [];

  async function exec(): Promise<void> {
    const taken = jobs;
    jobs = [];
    try {
      await executeStockJobs(deps, taken);
    } catch (error) {
      // Connection-level failure: every job not yet settled fails with it (settled ones ignore it).
      for (const job of taken) job.reject(error);
      throw error;
    }
  }

  const methods = commandMethods((command, input) => {
    const { job, outcome } = newJob(command, input);
    jobs.push(job);
    // A failure of the whole batch rejects every outcome and exec itself; a caller that stops at
    // exec's error never awaits the outcomes, and their rejections must not end the process.
    outcome.catch(() => undefined);
    return outcome;
  });
  return {
    ...methods,
    get length() {
      return jobs.length;
    },
    exec,
  };
}
