import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { SEED_EVENT_IDS } from '../../functions/db/seed';
import { startLocalStack } from '../../infra/local/stack';
import { topics } from '../../shared/ws';
import { type FanoutTarget, socketIoTarget } from './socketio-baseline';
import { pool, printTable, summarize } from './stats';

/**
 * `npm run bench:fanout [-- --clients N --messages M --interval MS]`
 *
 * N WebSocket clients subscribe to one event through the local stack (API Gateway WebSocket emulator,
 * `$connect` authorizer, DynamoDB subscriptions); the broadcaster publishes M seat changes; every client
 * records when each arrives. Then the same N clients on a Socket.IO server (the seeds' design) receive the
 * same M messages, as the baseline. Latency = publish call → receipt at a client. Loopback only, bounded.
 */

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '20' },
    interval: { type: 'string', default: '250' },
    'connect-concurrency': { type: 'string', default: '200' },
    out: { type: 'string' },
    'max-lost': { type: 'string', default: '0' },
  },
});
const CLIENTS = Number(args.clients);
const MESSAGES = Number(args.messages);
const INTERVAL_MS = Number(args.interval);
const CONNECT_CONCURRENCY = Number(args['connect-concurrency']);
const DRAIN_TIMEOUT_MS = 15_000;
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
  latencyMs: ReturnType<typeof summarize>;
  deliveriesPerSecond: number;
}

async function measure(name: string, target: FanoutTarget): Promise<RunResult> {
  const sentAt = new Map<number, number>();
  const seen = new Set<string>();
  const latencies: number[] = [];
  const lastReceipt = new Map<number, number>();
  let duplicates = 0;
  const onMessage = (client: number, payload: { seq: number }) => {
    const now = performance.now();
    if (payload.seq < 0) return; // warm-up
    const key = `${client}:${payload.seq}`;
    if (seen.has(key)) {
      duplicates++;
      return;
    }
    seen.add(key);
    const sent = sentAt.get(payload.seq);
    if (sent !== undefined) latencies.push(now - sent);
    lastReceipt.set(payload.seq, now);
  };

  const connectStarted = performance.now();
  await target.connect(onMessage);
  const connectMs = Math.round(performance.now() - connectStarted);
  process.stdout.write(
    `  ${name}: ${CLIENTS} clients subscribed in ${connectMs} ms; publishing ${MESSAGES}…\n`,
  );

  // One unmeasured message first: cold starts (module load, client creation, first sockets) are not fan-out.
  await target.publish({ seq: -1, sentAt: Date.now(), seats: [] });
  await new Promise((r) => setTimeout(r, 500));
  for (let seq = 0; seq < MESSAGES; seq++) {
    sentAt.set(seq, performance.now());
    await target.publish({ seq, sentAt: Date.now(), seats: [] });
    if (seq < MESSAGES - 1) await new Promise((r) => setTimeout(r, INTERVAL_MS));
  }
  const expected = CLIENTS * MESSAGES;
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (seen.size < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await target.close();

  // Throughput while fanning out: deliveries over the summed publish → last-receipt time of each message.
  let busyMs = 0;
  for (const [seq, sent] of sentAt) busyMs += Math.max(0, (lastReceipt.get(seq) ?? sent) - sent);
  const spanS = Math.max(1e-3, busyMs / 1000);
  return {
    target: name,
    clients: CLIENTS,
    messages: MESSAGES,
    expectedDeliveries: expected,
    delivered: seen.size,
    lost: expected - seen.size,
    duplicates,
    connectMs,
    latencyMs: summarize(latencies),
    deliveriesPerSecond: Math.round(seen.size / spanS),
  };
}

/** TIKETI: the local stack's WebSocket API, DynamoDB subscriptions and the broadcaster, unmodified. */
function tiketiTarget(stack: Awaited<ReturnType<typeof startLocalStack>>): FanoutTarget {
  const sockets: WebSocket[] = [];
  const seatForSeq = new Map<string, number>();
  const seatIdOf = (seq: number) => {
    const id = randomUUID();
    seatForSeq.set(id, seq);
    return id;
  };
  return {
    async connect(onMessage) {
      const { signJwt } = await import('../../functions/shared/jwt');
      const { createPrivateKey } = await import('node:crypto');
      const key = { kid: stack.env.JWT_KEY_ID!, privateKey: createPrivateKey(stack.env.JWT_PRIVATE_KEY!) };
      const jwt = { issuer: stack.env.JWT_ISSUER!, audience: stack.env.JWT_AUDIENCE ?? 'tiketi-api' };
      await pool([...Array(CLIENTS).keys()], CONNECT_CONCURRENCY, async (i) => {
        // Tokens minted with the local signing key: the bench measures fan-out, not password hashing.
        const token = signJwt(
          { sub: randomUUID(), role: 'user', email: `bench-${i}@example.test` },
          key,
          jwt,
        );
        const ws = new WebSocket(`${stack.wsUrl}?token=${token}`);
        sockets.push(ws);
        await new Promise<void>((resolve, reject) => {
          ws.once('error', reject);
          ws.on('message', (raw) => {
            const msg = JSON.parse(raw.toString()) as { type: string; data?: { seats?: { id: string }[] } };
            if (msg.type === 'session-restored') resolve();
            else if (msg.type === 'seat-locked') {
              const seq = seatForSeq.get(msg.data?.seats?.[0]?.id ?? '');
              if (seq !== undefined) onMessage(i, { seq });
            } else if (msg.type === 'error') reject(new Error(JSON.stringify(msg)));
          });
          ws.once('open', () => {
            ws.send(JSON.stringify({ action: 'join-event', eventId: EVENT_ID }));
            // Frames of one connection are handled in order: session-restored means the join is done.
            ws.send(JSON.stringify({ action: 'resume' }));
          });
        });
      });
    },
    async publish({ seq }) {
      const { publish } = await import('../../functions/shared/broadcaster');
      await publish(topics.event(EVENT_ID), {
        type: 'seat-locked',
        data: { eventId: EVENT_ID, seats: [{ id: seatIdOf(seq), status: 'held' }] },
      });
    },
    async close() {
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close();
            }),
        ),
      );
    },
  };
}

/** Both ends of every loopback socket live in this process: refuse clearly rather than die of EMFILE. */
function checkFileLimit() {
  const limit = Number(execSync('ulimit -n', { shell: '/bin/bash', encoding: 'utf8' }).trim());
  const needed = CLIENTS * 2 + 2_000;
  if (Number.isFinite(limit) && limit < needed) {
    console.error(
      `--clients ${CLIENTS} needs about ${needed} open files in this process (both ends of each socket), but the limit is ${limit}.\n` +
        `Raise it (the hard limit is \`ulimit -Hn\`) or use at most ${Math.floor((limit - 2_000) / 2)} clients.`,
    );
    process.exit(2);
  }
}

async function main() {
  checkFileLimit();
  const dataDir = resolve('.local', `bench-fanout-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  console.log(`Fan-out benchmark: ${CLIENTS} clients × ${MESSAGES} messages, ${INTERVAL_MS} ms apart`);
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
  const socketio = await measure('socket.io', socketIoTarget(CLIENTS, CONNECT_CONCURRENCY));

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const report = {
    benchmark: 'fanout',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    params: { clients: CLIENTS, messages: MESSAGES, intervalMs: INTERVAL_MS },
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
