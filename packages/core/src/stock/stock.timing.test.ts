import { describe, expect, it } from 'vitest';
import { commandLabel, observeScriptsWith, type ScriptTiming, timeScripts } from './stock.timing.js';

describe('commandLabel', () => {
  it('when every script is the same command, names its Lua file', () => {
    expect(commandLabel(['reserve'])).toBe('reserve');
    expect(commandLabel(['expire', 'expire'])).toBe('expire');
  });

  it('when a pipeline holds several commands, answers mixed', () => {
    expect(commandLabel(['reserve', 'confirm'])).toBe('mixed');
  });
});

describe('timeScripts', () => {
  it('when the round trip fails, still reports its duration and rethrows', async () => {
    // Arrange
    const seen: ScriptTiming[] = [];
    const failing = () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('down')), 20));

    // Act
    const result = timeScripts((t) => seen.push(t), ['add'], 'single', failing);

    // Assert
    await expect(result).rejects.toThrow('down');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ command: 'add', mode: 'single', scripts: 1 });
    expect(seen[0]?.seconds).toBeGreaterThanOrEqual(0.015);
  });
});

describe('observeScriptsWith', () => {
  it('when a round trip is reported, observes its seconds under its command and mode', () => {
    const observed: unknown[] = [];
    const observe = observeScriptsWith({ observe: (labels, seconds) => observed.push([labels, seconds]) });

    observe({ command: 'reserve', mode: 'pipeline', scripts: 100, seconds: 0.004 });

    expect(observed).toEqual([[{ command: 'reserve', mode: 'pipeline' }, 0.004]]);
  });
});
