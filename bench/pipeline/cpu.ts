/**
 * CPU time of the processes on the order path, read from /proc (Linux): user + system time in
 * clock ticks, turned into milliseconds. A sample before and after a phase gives each process's
 * CPU per order for that phase.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface WatchedProcess {
  name: string;
  pid: number;
}

/** Clock ticks per second (USER_HZ); 100 on every mainstream Linux, read once from getconf. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process (all its threads), in ms; undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The first pid whose command line matches, or undefined (pgrep -f). */
export function findPid(pattern: string): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-f', '-o', pattern]).toString().trim();
    return out ? Number(out.split('\n')[0]) : undefined;
  } catch {
    return undefined;
  }
}

export type CpuSample = Map<string, number>;

export function sampleCpu(processes: WatchedProcess[]): CpuSample {
  const sample: CpuSample = new Map();
  for (const p of processes) {
    const ms = cpuMs(p.pid);
    if (ms !== undefined) sample.set(p.name, ms);
  }
  return sample;
}

/** CPU µs per order of each process between two samples, plus the total. */
export function cpuPerOrder(before: CpuSample, after: CpuSample, orders: number): [string, number][] {
  const rows: [string, number][] = [];
  let total = 0;
  for (const [name, end] of after) {
    const start = before.get(name);
    if (start === undefined) continue;
    const us = ((end - start) * 1000) / orders;
    rows.push([name, us]);
    total += us;
  }
  rows.push(['total', total]);
  return rows;
}

export function formatCpu(rows: [string, number][]): string {
  return rows.map(([name, us]) => `${name} ${Math.round(us)}`).join(', ');
}
