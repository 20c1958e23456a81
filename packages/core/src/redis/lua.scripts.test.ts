import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expire } from '../stock/commands/expire.command.js';
import { stockCommands } from '../stock/commands/index.js';
import { CROSS_SHARD_SCRIPTS } from '../stock/cross-shard/cross-shard.calls.js';
import { luaDirectory, luaScript, luaScriptNames } from './lua.scripts.js';

describe('lua/', () => {
  const scripts = luaScriptNames().map(luaScript);
  const stockScripts = scripts.filter((s) => s.name !== 'reconcile-sku');

  it('holds one script per stock command, named as the command, the cross-shard ones and the reconcile script', () => {
    const commands = [...Object.values(stockCommands), expire].map((c) => c.action);
    expect(stockScripts.map((s) => s.name)).toEqual([...commands, ...CROSS_SHARD_SCRIPTS].sort());
    expect(scripts.map((s) => s.name)).toContain('reconcile-sku');
  });

  it('every stock script refuses to run before anything else when the restored-data marker (its last key) is gone', () => {
    for (const script of stockScripts) {
      const code = script.lua.split('\n').filter((l) => !l.startsWith('--') && l.trim() !== '');
      const first = code.findIndex((l) => l.startsWith('local rcall'));
      expect(code[first + 1], script.name).toMatch(
        /^if rcall\('EXISTS', KEYS\[#KEYS\]\) == 0 then return redis\.error_reply\('RESTORING'\) end/,
      );
    }
  });

  it('when a script is read, it has the house header naming itself, rcall, and stays small', () => {
    for (const script of scripts) {
      const lines = script.lua.split('\n');
      expect(lines[0], script.name).toBe('#!lua');
      expect(lines[1], script.name).toMatch(new RegExp(`^--\\[\\[ ${script.name}: `));
      for (const word of ['KEYS[1]', 'ARGV[1]', 'Returns', 'Writes'])
        expect(script.lua, script.name).toContain(word);
      expect(script.lua, script.name).toContain('local rcall = redis.call');
      // The script's own file; its includes (lua/includes/) are counted in theirs.
      const own = readFileSync(new URL(`${script.name}.lua`, luaDirectory), 'utf8').split('\n');
      expect(own.length, script.name).toBeLessThanOrEqual(80);
    }
  });

  it('when a script reads the clock or randomness itself, fails (the clock comes in ARGV)', () => {
    for (const script of scripts) expect(script.lua, script.name).not.toMatch(/'TIME'|math\.random/);
  });
});
