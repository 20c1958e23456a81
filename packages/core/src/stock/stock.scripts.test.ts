import { describe, expect, it } from 'vitest';
import { loadStockScripts } from './stock.scripts.js';

describe('loadStockScripts', () => {
  const scripts = loadStockScripts();

  it('when reading lua/, finds one script per command with numberOfKeys from the file name', () => {
    const byCommand = Object.fromEntries(scripts.map((s) => [s.command, s.numberOfKeys]));
    expect(byCommand).toEqual({
      stockAdd: 3,
      stockBulk: undefined,
      stockConfirm: undefined,
      stockDecrease: 3,
      stockExpire: undefined,
      stockInit: 2,
      stockRelease: undefined,
      stockReserve: undefined,
      stockSet: 3,
    });
  });

  it('when a script is read, it has the house header, rcall and stays small', () => {
    for (const script of scripts) {
      const lines = script.lua.split('\n');
      expect(lines[0], script.file).toBe('#!lua');
      for (const word of ['KEYS[1]', 'ARGV[1]', 'Returns', 'Writes'])
        expect(script.lua, script.file).toContain(word);
      expect(script.lua, script.file).toContain('local rcall = redis.call');
      expect(lines.length, script.file).toBeLessThanOrEqual(62);
    }
  });

  it('when a script reads the clock or randomness itself, fails (the clock comes in ARGV)', () => {
    for (const script of scripts) expect(script.lua, script.file).not.toMatch(/'TIME'|math\.random/);
  });
});
