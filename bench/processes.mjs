// Process helpers shared by the benchmarks (bench/run.mjs, bench/origin.mjs).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Every process below `pid` (children, grandchildren, …) with its command name. */
export const descendants = (pid) => {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' }).stdout;
  const rows = out
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  const found = [];
  const walk = (parent) => {
    for (const [child, ppid, comm] of rows) {
      if (Number(ppid) === parent) {
        found.push({ pid: Number(child), comm });
        walk(Number(child));
      }
    }
  };
  walk(pid);
  return found;
};

/** VmRSS and VmHWM (peak) of a process, KiB. */
export const memoryKiB = (pid) => {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    rss: Number(/VmRSS:\s+(\d+)/.exec(text)[1]),
    hwm: Number(/VmHWM:\s+(\d+)/.exec(text)[1]),
  };
};
