import { createPrivateKey, randomUUID } from 'node:crypto';
import { io as connectSocketIo } from 'socket.io-client';
import WebSocket from 'ws';
import { signJwt } from '../../functions/shared/jwt';
import { type ChildMessage, type ClientKind, now, type ParentMessage, seqOfSeatId } from './fanout-protocol';
import { pool } from './stats';

/**
 * A child process of bench:fanout holding a share of the clients, so the process under test only does its
 * own work (and each process stays under the open-file limit). It reports receipts as
 * [client, seq, absolute ms] to the parent over IPC. Config comes from the environment.
 */

const env = process.env;
const kind = env.BENCH_KIND as ClientKind;
const count = Number(env.BENCH_COUNT);
const offset = Number(env.BENCH_OFFSET);
const concurrency = Number(env.BENCH_CONNECT_CONCURRENCY ?? '100');
const send = (m: ChildMessage) => process.send?.(m);

const receipts: [number, number, number][] = [];
const closers: (() => void)[] = [];
const onReceipt = (client: number, seq: number) => {
  if (seq >= 0) receipts.push([client, seq, now()]);
};

async function openTiketi(i: number) {
  const key = { kid: env.JWT_KEY_ID!, privateKey: createPrivateKey(env.JWT_PRIVATE_KEY!) };
  // Tokens minted with the local signing key: the bench measures fan-out, not password hashing.
  const token = signJwt({ sub: randomUUID(), role: 'user', email: `bench-${i}@example.test` }, key, {
    issuer: env.JWT_ISSUER!,
    audience: env.JWT_AUDIENCE ?? 'tiketi-api',
  });
  const ws = new WebSocket(`${env.BENCH_URL}?token=${token}`);
  closers.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { type: string; data?: { seats?: { id: string }[] } };
      if (msg.type === 'session-restored') resolve();
      else if (msg.type === 'seat-locked') onReceipt(i, seqOfSeatId(msg.data?.seats?.[0]?.id ?? ''));
      else if (msg.type === 'error') reject(new Error(JSON.stringify(msg)));
    });
    ws.once('open', () => {
      ws.send(JSON.stringify({ action: 'join-event', eventId: env.BENCH_EVENT_ID }));
      // Frames of one connection are handled in order: session-restored means the join is done.
      ws.send(JSON.stringify({ action: 'resume' }));
    });
  });
}

async function openSocketIo(i: number) {
  const socket = connectSocketIo(env.BENCH_URL!, { transports: ['websocket'], reconnection: false });
  closers.push(() => socket.disconnect());
  socket.on('seat-locked', (payload: { seq: number }) => onReceipt(i, payload.seq));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => socket.emit('join-event', { eventId: env.BENCH_EVENT_ID }, () => resolve()));
  });
}

let retries = 0;
/** A refused or reset connect is retried with backoff, as the web client does; five failures in a row fail the run. */
async function withRetry(open: (i: number) => Promise<void>, i: number) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await open(i);
    } catch (error) {
      if (attempt >= 5) throw error;
      retries++;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt * Math.random()));
    }
  }
}

async function main() {
  const started = now();
  const open = kind === 'tiketi' ? openTiketi : openSocketIo;
  await pool(
    Array.from({ length: count }, (_, k) => offset + k),
    concurrency,
    (i) => withRetry(open, i),
  );
  send({ type: 'ready', connectMs: Math.round(now() - started), retries });
  const ticker = setInterval(() => send({ type: 'count', received: receipts.length }), 50);
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'report') send({ type: 'receipts', receipts });
    if (m.type === 'close') {
      clearInterval(ticker);
      for (const close of closers) close();
      setTimeout(() => process.exit(0), 200).unref();
    }
  });
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
