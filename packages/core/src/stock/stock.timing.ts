import type { StockAction } from './stock.types.js';

/**
 * Timing of the stock scripts, without a metrics library: the runner calls an optional observer
 * once per Redis round trip and each app records it in its own Prometheus registry.
 */

/** One round trip: a single script call, or one pipeline of `scripts` script calls. */
export interface ScriptTiming {
  /** Lua command (`reserve`, `confirm`, …), or `mixed` for a pipeline of several commands. */
  command: string;
  /**
   * `single` (one script call) or `pipeline` (several in one round trip): kept apart because a pipeline of 100 reserves takes longer than one
   * reserve, and mixing them would make either percentile meaningless.
   */
  mode: 'single' | 'pipeline';
  scripts: number;
  seconds: number;
}

export type ScriptObserver = (timing: ScriptTiming) => void;

/** The histogram the apps build for ScriptTiming (one definition, so the name stays stable). */
export const STOCK_SCRIPT_SECONDS = {
  name: 'inventory_stock_script_seconds',
  help: 'Redis round trip of stock Lua scripts, by command and by single call or pipeline',
  labelNames: ['command', 'mode'] as const,
  buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
};

/** What the apps' prom-client histogram offers (typed structurally: the core needs no prom-client). */
export interface ScriptHistogram {
  observe(labels: { command: string; mode: string }, seconds: number): void;
}

/** The observer that records each round trip in a histogram built from STOCK_SCRIPT_SECONDS. */
export function observeScriptsWith(histogram: ScriptHistogram): ScriptObserver {
  return (timing) => histogram.observe({ command: timing.command, mode: timing.mode }, timing.seconds);
}

/** The command (its Lua file's name, which operators know), or `mixed` for a mixed pipeline. */
export function commandLabel(commands: readonly StockAction[]): string {
  const first = commands[0];
  if (first === undefined) return 'none';
  return commands.some((c) => c !== first) ? 'mixed' : first;
}

/** Runs one round trip and reports its duration, also when it fails (a timeout is latency too). */
export async function timeScripts<T>(
  observe: ScriptObserver | undefined,
  commands: readonly StockAction[],
  mode: ScriptTiming['mode'],
  work: () => Promise<T>,
): Promise<T> {
  if (observe === undefined) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    observe({
      command: commandLabel(commands),
      mode,
      scripts: commands.length,
      seconds: (performance.now() - started) / 1000,
    });
  }
}
