import { type ChildProcess, execSync, fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SEED_EVENT_IDS } from '../../functions/db/seed';
import { startLocalStack } from '../../infra/local/stack';
import { topics } from '../../shared/ws';
import { type ChildMessage, type ClientKind, now, seatIdForSeq } from './fanout-protocol';
import { startSocketIoServer } from './socketio-baseline';
import { machineInfo, printTable, summarize } from './stats';

/**
 * `npm run bench:fanout [-- --clients N --messages M --interval MS --paced]`
 *
 * By default each message is published once the previous one reached every client (or 15 s passed), then
 * `--interval` ms later: latency is then one broadcast's fan-out to the whole audience, not a queue built up
 * by publishing faster than this machine can post. `--paced` publishes every `--interval` ms regardless, which
 * measures sustained throughput and shows the backlog when the rate is above it.
 *
 * N WebSocket clients subscribe to one event through the local stack (API Gateway WebSocket emulator,
 * `$connect` authorizer, DynamoDB subscriptions); the broadcaster publishes M seat changes; every client
 * records when each arrives. Then the same N clients on a Socket.IO server (the seeds' design) receive the
 * same M messages, as the baseline. Latency = publish call → receipt at a client. The clients live in child
 * processes (fanout-clients.ts, up to CLIENTS_PER_PROCESS each), so the process under test does only its own
 * work. Loopback only, bounded in count and time.
 */

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '20' },
    interval: { type: 'string', default: '250' },
    'connect-concurrency': { type: 'string', default: '100' },
    paced: { type: 'boolean', default: false },
    out: { type: 'string' },
    'max-lost': { type: 'string', default: '0' },
  },
});
const CLIENTS = Number(args.clients);
const MESSAGES = Number(args.messages);
const INTERVAL_MS = Number(args.interval);
const CONNECT_CONCURRENCY = Number(args['connect-concurrency']);
const PACED = args.paced;
const DRAIN_TIMEOUT_MS = 15_000;
const CLIENTS_PER_PROCESS = 2_500;
const EVENT_ID = SEED_EVENT_IDS.symphony;

interface RunResult {
  target: string;
  clients: number;
  messages: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  connectMs: number;
  /** Connects that failed (reset/refused) and were retried by the client. */
  connectRetries: number;
  latencyMs: ReturnType<typeof summarize>;
  deliveriesPerSecond: number;
}

interface Target {
  kind: ClientKind;
  url: string;
  env?: Record<string, string>;
  publish(seq: number): Promise<void>;
}

/** Starts the client processes and resolves once every client is subscribed. */
async function startClients(target: Target) {
  const children: ChildProcess[] = [];
  const received = new Map<ChildProcess, number>();
  const ready: Promise<number>[] = [];
  let retries = 0;
  for (let offset = 0; offset < CLIENTS; offset += CLIENTS_PER_PROCESS) {
    const child = fork(join('test', 'bench', 'fanout-clients.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        ...target.env,
        BENCH_KIND: target.kind,
        BENCH_URL: target.url,
        BENCH_COUNT: String(Math.min(CLIENTS_PER_PROCESS, CLIENTS - offset)),
        BENCH_OFFSET: String(offset),
        BENCH_EVENT_ID: EVENT_ID,
        BENCH_CONNECT_CONCURRENCY: String(CONNECT_CONCURRENCY),
      },
    });
    children.push(child);
    received.set(child, 0);
    ready.push(
      new Promise<number>((resolveReady, reject) => {
        child.on('message', (m: ChildMessage) => {
          if (m.type === 'ready') {
            retries += m.retries;
            resolveReady(m.connectMs);
          } else if (m.type === 'count') received.set(child, m.received);
          else if (m.type === 'failed') reject(new Error(`client process failed: ${m.error}`));
        });
        child.once('exit', (code) => code && reject(new Error(`client process exited with ${code}`)));
      }),
    );
  }
  try {
    await Promise.all(ready);
  } catch (error) {
    for (const c of children) c.kill();
    throw error;
  }
  const total = () => [...received.values()].reduce((a, b) => a + b, 0);
  const receipts = async () => {
    const all: [number, number, number][] = [];
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            const onMessage = (m: ChildMessage) => {
              if (m.type !== 'receipts') return;
              child.off('message', onMessage);
              all.push(...m.receipts);
              done();
            };
            child.on('message', onMessage);
            child.send({ type: 'report' });
          }),
      ),
    );
    return all;
  };
  const close = () =>
    Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.send({ type: 'close' });
          }),
      ),
    );
  return { total, receipts, close, retries: () => retries };
}

async function measure(name: string, target: Target): Promise<RunResult> {
  const connectStarted = now();
  const clients = await startClients(target);
  const connectMs = Math.round(now() - connectStarted);
  process.stdout.write(
    `  ${name}: ${CLIENTS} clients subscribed in ${connectMs} ms; publishing ${MESSAGES}…\n`,
  );

  const sentAt = new Map<number, number>();
  try {
    // One unmeasured message first: cold starts (module load, client creation, first sockets) are not fan-out.
    await target.publish(-1);
    await new Promise((r) => setTimeout(r, 500));
    for (let seq = 0; seq < MESSAGES; seq++) {
      sentAt.set(seq, now());
      await target.publish(seq);
      if (!PACED) {
        const until = Date.now() + DRAIN_TIMEOUT_MS;
        while (clients.total() < CLIENTS * (seq + 1) && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      if (seq < MESSAGES - 1) await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
    const expected = CLIENTS * MESSAGES;
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (clients.total() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const receipts = await clients.receipts();

    const seen = new Set<string>();
    const latencies: number[] = [];
    const lastReceipt = new Map<number, number>();
    const perSeq = new Map<number, number>();
    let duplicates = 0;
    for (const [client, seq, at] of receipts) {
      const key = `${client}:${seq}`;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      const sent = sentAt.get(seq);
      if (sent === undefined) continue;
      latencies.push(at - sent);
      lastReceipt.set(seq, Math.max(lastReceipt.get(seq) ?? 0, at));
      perSeq.set(seq, (perSeq.get(seq) ?? 0) + 1);
    }
    // Fan-out rate of one message: its deliveries over publish → its last receipt; the median message is reported.
    const rates = [...perSeq].map(
      ([seq, n]) => n / Math.max(1e-3, (lastReceipt.get(seq)! - sentAt.get(seq)!) / 1000),
    );
    return {
      target: name,
      clients: CLIENTS,
      messages: MESSAGES,
      expectedDeliveries: expected,
      delivered: seen.size,
      lost: expected - seen.size,
      duplicates,
      connectMs,
      connectRetries: clients.retries(),
      latencyMs: summarize(latencies),
      deliveriesPerSecond: Math.round(summarize(rates).p50 || 0),
    };
  } finally {
    await clients.close();
  }
}

/** TIKETI: the local stack's WebSocket API, DynamoDB subscriptions and the broadcaster, unmodified. */
function tiketiTarget(stack: Awaited<ReturnType<typeof startLocalStack>>): Target {
  return {
    kind: 'tiketi',
    url: stack.wsUrl,
    env: stack.env,
    async publish(seq) {
      const { publish } = await import('../../functions/shared/broadcaster');
      await publish(topics.event(EVENT_ID), {
        type: 'seat-locked',
        data: { eventId: EVENT_ID, seats: [{ id: seatIdForSeq(seq), status: 'held' }] },
      });
    },
  };
}

/** The server ends of every socket live in this process: refuse clearly rather than die of EMFILE. */
function checkFileLimit() {
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash', encoding: 'utf8' }).trim());
  const needed = CLIENTS + 2_000; // server ends of the WebSockets, plus @connections sockets and the stores
  if (Number.isFinite(limit) && limit < needed) {
    console.error(
      `--clients ${CLIENTS} needs about ${needed} open files in this process, but the limit is ${limit}.\n` +
        `Raise it (the hard limit is \`ulimit -Hn\`) or use at most ${limit - 2_000} clients.`,
    );
    process.exit(2);
  }
}

async function main() {
  checkFileLimit();
  const dataDir = resolve('.local', `bench-fanout-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  console.log(
    `Fan-out benchmark: ${CLIENTS} clients × ${MESSAGES} messages, ${
      PACED ? `one every ${INTERVAL_MS} ms` : `each ${INTERVAL_MS} ms after the previous one was delivered`
    }`,
  );
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    ephemeralPorts: true,
    webMode: 'none',
    quiet: true,
    migrateAndSeed: true,
  });
  let tiketi: RunResult;
  try {
    tiketi = await measure('tiketi', tiketiTarget(stack));
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const io = await startSocketIoServer();
  let socketio: RunResult;
  try {
    socketio = await measure('socket.io', { kind: 'socketio', url: io.url, publish: io.publish });
  } finally {
    await io.close();
  }

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const report = {
    benchmark: 'fanout',
    date: new Date().toISOString(),
    machine: machineInfo(),
    params: { clients: CLIENTS, messages: MESSAGES, intervalMs: INTERVAL_MS, paced: PACED },
    results: [tiketi, socketio],
    ratioTiketiToSocketIo: {
      p50: ratio(tiketi.latencyMs.p50, socketio.latencyMs.p50),
      p99: ratio(tiketi.latencyMs.p99, socketio.latencyMs.p99),
      deliveriesPerSecond: ratio(tiketi.deliveriesPerSecond, socketio.deliveriesPerSecond),
    },
  };
  const out = args.out ?? join('test', 'bench', 'results', `fanout-${CLIENTS}.json`);
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

  console.log('');
  printTable(
    [
      'target',
      'clients',
      'msgs',
      'delivered',
      'lost',
      'dup',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'deliv/s',
      'connect ms',
      'retries',
    ],
    report.results.map((r) => [
      r.target,
      r.clients,
      r.messages,
      r.delivered,
      r.lost,
      r.duplicates,
      r.latencyMs.p50,
      r.latencyMs.p95,
      r.latencyMs.p99,
      r.latencyMs.max,
      r.deliveriesPerSecond,
      r.connectMs,
      r.connectRetries,
    ]),
  );
  console.log(
    `\nTIKETI / Socket.IO: p50 ×${report.ratioTiketiToSocketIo.p50}, p99 ×${report.ratioTiketiToSocketIo.p99}, deliveries/s ×${report.ratioTiketiToSocketIo.deliveriesPerSecond}`,
  );
  console.log(`Results written to ${out}`);
  const maxLost = Number(args['max-lost']);
  if (tiketi.lost > maxLost || tiketi.duplicates > 0) {
    console.error(`FAIL: TIKETI lost ${tiketi.lost} and duplicated ${tiketi.duplicates} deliveries`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
