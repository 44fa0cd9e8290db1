import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * Child processes the stack owns (postgres, redis-server). They run in their own process group so a Ctrl-C in
 * the terminal reaches only the CLI, which then stops them in order. If the CLI dies without that orderly stop
 * (second Ctrl-C, crash), the `exit` hook still signals every one that is alive: no orphans.
 */
interface Owned {
  child: ChildProcess;
  /** Signal that makes the process shut itself down quickly and completely (postgres: SIGQUIT, redis: SIGTERM). */
  emergencySignal: NodeJS.Signals;
}

const owned = new Set<Owned>();
let hooked = false;

function onExit(): void {
  for (const entry of owned) {
    if (isRunning(entry.child)) entry.child.kill(entry.emergencySignal);
  }
}

export function adopt(child: ChildProcess, emergencySignal: NodeJS.Signals): () => void {
  if (!hooked) {
    process.on('exit', onExit);
    hooked = true;
  }
  const entry = { child, emergencySignal };
  owned.add(entry);
  child.once('exit', () => owned.delete(entry));
  return () => owned.delete(entry);
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', done);
      resolve(false);
    }, ms);
    function done() {
      clearTimeout(timer);
      resolve(true);
    }
    child.once('exit', done);
  });
}

/** Sends each signal in turn, waiting `ms` after each, until the process is gone. */
export async function stopChild(
  child: ChildProcess,
  steps: ReadonlyArray<readonly [NodeJS.Signals, number]>,
): Promise<void> {
  for (const [signal, ms] of steps) {
    if (!isRunning(child)) return;
    child.kill(signal);
    if (await waitForExit(child, ms)) return;
  }
}

/**
 * Keeps the last lines a process printed (for error messages) and, optionally, appends everything to a log
 * file so `npm start` stays readable while the full output is still there to look at.
 */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';
  private file: WriteStream | undefined;
  private readonly listeners = new Set<(line: string) => void>();

  constructor(
    private readonly max = 40,
    logFile?: string,
  ) {
    if (logFile) this.file = createWriteStream(logFile, { flags: 'a' });
  }

  attach(child: ChildProcess): void {
    child.stdout?.on('data', (chunk: Buffer) => this.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.push(chunk));
  }

  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(chunk: Buffer | string): void {
    this.file?.write(chunk);
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
      for (const listener of this.listeners) listener(line);
    }
  }

  text(): string {
    return [...this.lines, this.partial].filter(Boolean).join('\n');
  }

  close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    return new Promise((resolve) => (file ? file.end(resolve) : resolve()));
  }
}
