import { Presets, SingleBar } from 'cli-progress';

/** A progress bar on stderr (cli-progress draws only on a terminal, so pipes and CI stay clean). */
export interface Progress {
  start(total: number): void;
  advance(by: number): void;
  stop(): void;
}

/** `format` uses cli-progress' tokens, e.g. `import |{bar}| {value}/{total} rows`. */
export function createProgress(format: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar({ stream, format, hideCursor: true }, Presets.shades_classic);
  return {
    start: (total) => bar.start(total, 0),
    advance: (by) => bar.increment(by),
    stop: () => bar.stop(),
  };
}

/** For callers that want no bar at all (tests, --quiet). */
export const noProgress: Progress = { start() {}, advance() {}, stop() {} };
