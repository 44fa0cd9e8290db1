import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Small statistics helpers for benchmark reports. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

/** Prints rows as an aligned table. */
export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  });
  await Promise.all(workers);
}

/** The machine a benchmark ran on, for its JSON report. */
export function machineInfo() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/**
 * CPU time so far (ms) from Linux's /proc: the whole machine (busy = user + nice + system + irq + softirq;
 * steal and idle excluded), the given processes, and every `postgres` process (plus what its exited children
 * left in the postmaster's cutime). Two snapshots subtracted give the CPU a run cost, which varies far less
 * from run to run on a shared VM than wall-clock throughput does. Null where /proc is missing.
 */
export interface CpuSnapshot {
  machineMs: number;
  processesMs: Record<string, number>;
  postgresMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux build Node supports.

function procTimes(pid: number | string, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14–17 of stat (utime stime cutime cstime) are 11–14 after the command.
    const own = Number(f[11]) + Number(f[12]);
    return (children ? own + Number(f[13]) + Number(f[14]) : own) * TICK_MS;
  } catch {
    return 0; // the process has exited
  }
}

export function cpuSnapshot(pids: Record<string, number[]>): CpuSnapshot | null {
  let machine: string;
  try {
    machine = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  } catch {
    return null;
  }
  const [user, nice, system, , , irq, softirq] = machine.split(/\s+/).slice(1).map(Number);
  let postgresMs = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let comm = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'postgres') continue;
    // The postmaster (parent not postgres) also carries its exited children's time.
    const ppid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1];
    let parentComm = '';
    try {
      parentComm = readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
    } catch {}
    postgresMs += procTimes(pid, parentComm !== 'postgres');
  }
  return {
    machineMs: (user! + nice! + system! + irq! + softirq!) * TICK_MS,
    processesMs: Object.fromEntries(
      Object.entries(pids).map(([name, list]) => [name, list.reduce((a, p) => a + procTimes(p), 0)]),
    ),
    postgresMs,
  };
}

/** CPU seconds spent between two snapshots, by part; `other` is the machine's remainder (kernel, Redis…). */
export function cpuSpent(
  from: CpuSnapshot | null,
  to: CpuSnapshot | null,
): { machine: number; postgres: number; other: number; [part: string]: number } | null {
  if (!from || !to) return null;
  const s = (ms: number) => Math.round(ms / 100) / 10;
  const processes = Object.fromEntries(
    Object.keys(to.processesMs).map((k) => [k, s(to.processesMs[k]! - (from.processesMs[k] ?? 0))]),
  );
  const machine = s(to.machineMs - from.machineMs);
  const postgres = s(to.postgresMs - from.postgresMs);
  const named = Object.values(processes).reduce((a, b) => a + b, 0) + postgres;
  return { machine, ...processes, postgres, other: Math.round((machine - named) * 10) / 10 };
}
