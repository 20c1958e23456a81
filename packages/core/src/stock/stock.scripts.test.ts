import { describe, expect, it } from 'vitest';
import { loadStockScripts } from './stock.scripts.js';

describe('loadStockScripts', () => {
  const scripts = loadStockScripts();

  it('when reading lua/, finds one script per command with numberOfKeys from the file name', () => {
    const byCommand = Object.fromEntries(scripts.map((s) => [s.command, s.numberOfKeys]));
    expect(byCommand).toEqual({
      stockAdd: 4,
      stockBulk: undefined,
      stockConfirm: undefined,
      stockDecrease: 4,
      stockExpire: undefined,
      stockInit: 3,
      stockRelease: undefined,
      stockReserve: undefined,
      stockSet: 4,
    });
  });

  it('every script refuses to run before anything else when the restored-data marker (its last key) is gone', () => {
    for (const script of scripts) {
      const code = script.lua.split('\n').filter((l) => !l.startsWith('--') && l.trim() !== '');
      const first = code.findIndex((l) => l.startsWith('local rcall'));
      expect(code[first + 1], script.file).toMatch(
        /^if rcall\('EXISTS', KEYS\[#KEYS\]\) == 0 then return redis\.error_reply\('RESTORING'\) end/,
      );
    }
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
