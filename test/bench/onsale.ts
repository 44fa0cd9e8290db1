import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startLocalStack } from '../../infra/local/stack';
import { createSeatedEvent } from '../support/fixtures';
import { runFaults } from './faults';
import { emptyTally, STEPS } from './onsale-protocol';
import { countSold, createBuyers, forkBuyers, invariants, jwtOf } from './onsale-shared';
import { rawPurchaseCeiling } from './raw-purchase';
import { cpuSnapshot, cpuSpent, machineInfo, printTable, summarize } from './stats';

/**
 * `npm run bench:onsale [-- --buyers N --seats S --concurrency C]`
 *
 * A flash on-sale through the local stack's REST API (API Gateway emulator → seats/reservations/payments
 * handlers → PostgreSQL, Redis, the Step Functions executor running the hold-expiry and payment-saga ASL):
 * one event of S seats, N virtual buyers (child processes; tokens minted with the local signing key) who view the
 * statuses, lock 1–4 seats (elsewhere on 409), reserve and pay with the sandbox, while some abandon their hold or
 * their reservation, whose seats must expire and be sold again. Reported: seats sold per second, time to sell
 * out, p50/p99 per step, errors by code, and the invariants read from PostgreSQL afterwards. In the same run the
 * raw PostgreSQL ceiling for the same seat-claim statement, and our throughput as a fraction of it. Loopback
 * only, bounded by --max-seconds. With `--faults`, the same sale while Redis, PostgreSQL and the stack process
 * are killed and restarted mid-sale (faults.ts).
 */

const { values: args } = parseArgs({
  options: {
    buyers: { type: 'string', default: '50000' },
    seats: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '256' },
    processes: { type: 'string', default: '1' },
    'hold-seconds': { type: 'string', default: '20' },
    'payment-seconds': { type: 'string', default: '30' },
    'abandon-hold': { type: 'string', default: '0.05' },
    'abandon-reservation': { type: 'string', default: '0.03' },
    'max-seconds': { type: 'string', default: '900' },
    /** The same sale while Redis, PostgreSQL and the stack process are killed and restarted (faults.ts). */
    faults: { type: 'boolean', default: false },
    /** Load pg_stat_statements and report where PostgreSQL's time went. */
    'pg-stats': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const BUYERS = Number(args.buyers);
const SEATS = Number(args.seats);
const CONCURRENCY = Number(args.concurrency);
const PROCESSES = Math.max(1, Number(args.processes));
const HOLD_SECONDS = Number(args['hold-seconds']);
const MAX_MS = Number(args['max-seconds']) * 1000;

/**
 * The physical reference: the same conditional seat claim (a hold row plus `UPDATE seats … WHERE status =
 * 'available'` with its row count) straight on PostgreSQL from one pool, on a fresh event of the same size.
 */
async function rawClaimCeiling(db: pg.Pool, databaseUrl: string, userIds: string[]) {
  const { eventId, seatIds } = await createSeatedEvent(db, {
    seats: SEATS,
    perRow: 100,
    title: 'raw ceiling',
  });
  const claimPool = new pg.Pool({ connectionString: databaseUrl, max: 16 });
  const free = [...seatIds];
  let claimed = 0;
  let user = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (free.length) {
        const want = 1 + Math.floor(Math.random() * 4);
        const start = Math.floor(Math.random() * free.length);
        const ids = free.splice(start, want);
        const client = await claimPool.connect();
        try {
          await client.query('BEGIN');
          const hold = await client.query<{ id: string }>(
            `INSERT INTO holds (event_id, user_id, expires_at) VALUES ($1, $2, now() + interval '5 minutes') RETURNING id`,
            [eventId, userIds[user++ % userIds.length]],
          );
          const res = await client.query(
            `UPDATE seats SET status = 'held', hold_id = $1, version = version + 1, updated_at = now()
              WHERE event_id = $2 AND id = ANY($3::uuid[]) AND status = 'available'`,
            [hold.rows[0]!.id, eventId, ids],
          );
          if (res.rowCount !== ids.length) throw new Error('claim lost a race it cannot lose here');
          await client.query('COMMIT');
          claimed += ids.length;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await claimPool.end();
  return {
    seats: claimed,
    seconds: Math.round(seconds * 100) / 100,
    seatsPerSecond: Math.round(claimed / seconds),
  };
}

/** rawPurchaseCeiling on a fresh event of the same size, with its machine CPU per seat. */
async function measureRawPurchase(db: pg.Pool, databaseUrl: string, redisUrl: string, userIds: string[]) {
  const { eventId, seatIds } = await createSeatedEvent(db, {
    seats: SEATS,
    perRow: 100,
    title: 'raw purchase',
  });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 16 });
  const redis = new Redis(redisUrl);
  try {
    const before = cpuSnapshot({});
    const result = await rawPurchaseCeiling({ pool, redis, eventId, seatIds, userIds });
    const spent = cpuSpent(before, cpuSnapshot({}));
    return {
      ...result,
      cpuMsPerSeat: spent ? Math.round((spent.machine * 10_000) / result.seats) / 10 : null,
      secondsForAllSeats: Math.round((SEATS / result.seatsPerSecond) * 10) / 10,
    };
  } finally {
    redis.disconnect();
    await pool.end();
  }
}

/**
 * The full seat map before the sale: its gzipped size, and its latency warm (layout cached) over 200 requests
 * one at a time with `Accept-Encoding: gzip`, as a browser asks for it.
 */
async function measureSeatMap(url: string, eventId: string) {
  const path = `${url}/api/v1/seats/events/${eventId}`;
  const first = await fetch(path);
  const gzipBytes = gzipSync(Buffer.from(await first.arrayBuffer())).length;
  const samples: number[] = [];
  for (let i = 0; i < 220; i++) {
    const started = performance.now();
    const res = await fetch(path, { headers: { 'accept-encoding': 'gzip' } });
    await res.arrayBuffer();
    if (i >= 20) samples.push(performance.now() - started); // the first 20 warm the layout cache and JIT
  }
  return { gzipBytes, latencyMs: summarize(samples) };
}

const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The best rate over any `windowMs` of the sold curve (samples every second). */
function peakRate(curve: readonly [number, number][], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < curve.length; i++) {
    const j = curve.findIndex(([t]) => t >= curve[i]![0] + windowMs);
    if (j < 0) break;
    best = Math.max(best, ((curve[j]![1] - curve[i]![1]) / (curve[j]![0] - curve[i]![0])) * 1000);
  }
  return Math.round(best);
}

/** The statements PostgreSQL spent most time on (pg_stat_statements), including their round-trip counts. */
async function statementStats(db: pg.Pool) {
  const { rows } = await db.query<{ calls: number; total_ms: number; mean_ms: number; query: string }>(
    `SELECT calls, round(total_exec_time::numeric, 1)::float8 AS total_ms,
            round((total_exec_time / calls)::numeric, 3)::float8 AS mean_ms,
            regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 60`,
  );
  return rows.map((r) => ({ calls: r.calls, totalMs: r.total_ms, meanMs: r.mean_ms, query: r.query }));
}

async function main() {
  const dataDir = resolve('.local', `bench-onsale-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  console.log(
    `On-sale benchmark: ${SEATS} seats, ${BUYERS} buyers (${CONCURRENCY} at a time), holds ${HOLD_SECONDS} s, ` +
      `payment window ${args['payment-seconds']} s`,
  );
  // Short deadlines so abandoned seats come back within the run (handlers read this at their first call).
  process.env.RESERVATION_PAYMENT_SECONDS = args['payment-seconds'];
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    ephemeralPorts: true,
    webMode: 'none',
    quiet: true,
    migrateAndSeed: true,
    // Expiry comes from the hold-expiry executions; the backstop sweep is not what is measured.
    sweepIntervalMs: 0,
    // `track: all` also lists the statements inside the server-side functions (their time is in the call's too).
    ...(args['pg-stats']
      ? {
          postgresSettings: {
            shared_preload_libraries: 'pg_stat_statements',
            'pg_stat_statements.track': 'all',
          },
        }
      : {}),
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 });
  db.on('error', () => {});
  if (args['pg-stats']) await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const children: ChildProcess[] = [];
  try {
    const { eventId } = await createSeatedEvent(db, {
      seats: SEATS,
      perRow: 100,
      holdSeconds: HOLD_SECONDS,
      maxSeatsPerUser: 4,
      title: 'On-sale benchmark',
    });
    const userIds = await createBuyers(db, BUYERS);
    const seatMap = await measureSeatMap(stack.url, eventId);
    console.log(
      `  event and ${userIds.length} buyers created; seat map ${seatMap.gzipBytes} bytes gzipped, ` +
        `warm p50 ${seatMap.latencyMs.p50} ms p99 ${seatMap.latencyMs.p99} ms; selling…`,
    );

    const { latencies, errors, outcomes } = emptyTally();
    const doneBy = new Map<ChildProcess, number>();
    const started = performance.now();
    let soldOutMs: number | undefined;
    // CPU by part over the sale (the buyer processes are added once forked).
    const cpuPids = () => ({ stack: [process.pid], buyers: children.map((c) => c.pid ?? 0) });
    let cpuAtStart: ReturnType<typeof cpuSnapshot> = null;
    let cpuAtSoldOut: ReturnType<typeof cpuSnapshot> = null;
    // And to 95 % sold: the selling itself, before the tail of abandoned seats waiting out their deadlines.
    let cpuAt95: { snapshot: ReturnType<typeof cpuSnapshot>; sold: number } | null = null;
    const sold = () => countSold(db, eventId);
    const soldCurve: [number, number][] = [];
    const monitor = setInterval(async () => {
      const n = await sold().catch(() => -1);
      const at = Math.round(performance.now() - started);
      soldCurve.push([at, n]);
      if (n >= SEATS * 0.95 && !cpuAt95) cpuAt95 = { snapshot: cpuSnapshot(cpuPids()), sold: n };
      if (n === SEATS && soldOutMs === undefined) {
        soldOutMs = at;
        cpuAtSoldOut = cpuSnapshot(cpuPids());
      }
      const buyersDone = [...doneBy.values()].reduce((a, b) => a + b, 0);
      if (soldCurve.length % 5 === 0) {
        process.stdout.write(
          `  ${(at / 1000).toFixed(0)} s: ${n} sold, ${buyersDone}/${BUYERS} buyers done\n`,
        );
      }
    }, 1_000);

    const finished = forkBuyers({
      processes: PROCESSES,
      userIds,
      tally: { latencies, errors, outcomes },
      children,
      doneBy,
      config: {
        url: stack.url,
        eventId,
        concurrency: Math.max(1, Math.round(CONCURRENCY / PROCESSES)),
        abandonHold: Number(args['abandon-hold']),
        abandonReservation: Number(args['abandon-reservation']),
        jwt: jwtOf(stack.env),
      },
    });
    cpuAtStart = cpuSnapshot(cpuPids());
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`not finished within --max-seconds ${MAX_MS / 1000}`)),
        MAX_MS,
      ).unref(),
    );
    await Promise.race([finished, timeout]);
    const buyersMs = Math.round(performance.now() - started);
    const cpuAtBuyersEnd = cpuSnapshot(cpuPids());
    // Where PostgreSQL's time went during the sale, statement by statement (--pg-stats).
    const pgStats = args['pg-stats'] ? await statementStats(db) : null;
    // Sagas still running finish; then the books are read.
    const settleUntil = Date.now() + 60_000;
    while (Date.now() < settleUntil) {
      const running = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM payments p JOIN reservations r ON r.id = p.reservation_id
          WHERE r.event_id = $1 AND p.status = 'in_progress'`,
        [eventId],
      );
      if (Number(running.rows[0]!.n) === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    clearInterval(monitor);
    const soldSeats = await sold();
    if (soldSeats === SEATS && soldOutMs === undefined) soldOutMs = Math.round(performance.now() - started);
    const checks = await invariants(db, eventId);
    console.log('  measuring the raw PostgreSQL claim ceiling…');
    const raw = await rawClaimCeiling(db, stack.databaseUrl, userIds);
    console.log('  measuring the raw purchase ceiling (the same use cases in-process, no transport)…');
    const rawPurchase = await measureRawPurchase(db, stack.databaseUrl, stack.redisUrl, userIds);

    const reached = (fraction: number) => soldCurve.find(([, n]) => n >= SEATS * fraction)?.[0] ?? null;
    const sellingMs = soldOutMs ?? buyersMs;
    const cpu = cpuSpent(cpuAtStart, cpuAtSoldOut ?? cpuAtBuyersEnd);
    // Set by the monitor's callback, which the compiler's flow analysis does not follow.
    const at95 = cpuAt95 as { snapshot: ReturnType<typeof cpuSnapshot>; sold: number } | null;
    const cpuTo95 = at95 ? cpuSpent(cpuAtStart, at95.snapshot) : null;
    const perSeat = (spent: typeof cpu, seats: number) =>
      spent ? Math.round((spent.machine * 1000 * 10) / Math.max(1, seats)) / 10 : null;
    const seatsPerSecond = Math.round((soldSeats / sellingMs) * 1000);
    const report = {
      benchmark: 'onsale',
      date: new Date().toISOString(),
      machine: machineInfo(),
      params: {
        seats: SEATS,
        buyers: BUYERS,
        concurrency: CONCURRENCY,
        holdSeconds: HOLD_SECONDS,
        paymentSeconds: Number(args['payment-seconds']),
        abandonHold: Number(args['abandon-hold']),
        abandonReservation: Number(args['abandon-reservation']),
      },
      seatMap,
      soldSeats,
      soldOut: soldSeats === SEATS,
      timeToSellOutMs: soldOutMs ?? null,
      /** The tail after these is abandoned holds and reservations reaching their deadlines and selling again. */
      timeTo95PercentMs: reached(0.95),
      timeTo99PercentMs: reached(0.99),
      /** Best 5-second window of the sold curve. */
      peakSeatsPerSecond: peakRate(soldCurve, 5_000),
      buyersFinishedMs: buyersMs,
      seatsSoldPerSecond: seatsPerSecond,
      outcomes,
      latencyMs: Object.fromEntries(STEPS.map((s) => [s, summarize(latencies[s])])),
      errors,
      invariants: checks,
      rawPostgresCeiling: raw,
      fractionOfRawCeiling: Math.round((seatsPerSecond / raw.seatsPerSecond) * 1000) / 1000,
      /**
       * The whole purchase (lock, reserve, prepare, confirm, charge, confirmation) through the same use cases and
       * adapters, in-process on disjoint seats: the most this design can sell on this machine without any
       * transport, orchestration or buyers' load, and the seconds it would need for every seat.
       */
      rawPurchaseCeiling: rawPurchase,
      fractionOfRawPurchaseCeiling: Math.round((seatsPerSecond / rawPurchase.seatsPerSecond) * 1000) / 1000,
      /**
       * CPU seconds from the start of the sale to sell-out (or to the last buyer), by part, and the machine's
       * busy CPU per seat sold: the figure that says how far the machine is from the target whatever the
       * noise of a shared VM.
       */
      cpuSeconds: cpu,
      cpuMsPerSeatSold: perSeat(cpu, soldSeats),
      /** The same up to 95 % sold, without the tail's waiting buyers: the cost of selling itself. */
      cpuSecondsTo95Percent: cpuTo95,
      cpuMsPerSeatTo95Percent: at95 ? perSeat(cpuTo95, at95.sold) : null,
      soldCurve,
      ...(pgStats ? { statements: pgStats } : {}),
    };
    const out = args.out ?? join('test', 'bench', 'results', `onsale-${SEATS}x${BUYERS}.json`);
    mkdirSync(resolve(out, '..'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

    console.log('');
    printTable(
      ['step', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      STEPS.map((s) => {
        const l = report.latencyMs[s]!;
        return [s, l.count, l.p50, l.p95, l.p99, l.max];
      }),
    );
    console.log('');
    printTable(
      ['measure', 'value'],
      [
        [
          'seat map: gzipped bytes / warm p50 / p99 (full map, one client)',
          `${seatMap.gzipBytes} / ${seatMap.latencyMs.p50} ms / ${seatMap.latencyMs.p99} ms`,
        ],
        ['seats sold', `${soldSeats} / ${SEATS}`],
        ['time to sell out', soldOutMs === undefined ? 'not sold out' : `${(soldOutMs / 1000).toFixed(1)} s`],
        ['time to 95% / 99% sold', `${secs(report.timeTo95PercentMs)} / ${secs(report.timeTo99PercentMs)}`],
        ['peak seats sold per second (5 s window)', report.peakSeatsPerSecond],
        ['seats sold per second', seatsPerSecond],
        ['raw PostgreSQL claim ceiling', `${raw.seatsPerSecond} seats/s`],
        ['fraction of the raw ceiling', report.fractionOfRawCeiling],
        [
          'raw purchase ceiling (use cases in-process): seats/s / CPU ms per seat / s for all seats',
          `${rawPurchase.seatsPerSecond} / ${rawPurchase.cpuMsPerSeat ?? '—'} / ${rawPurchase.secondsForAllSeats}`,
        ],
        ['fraction of the raw purchase ceiling', report.fractionOfRawPurchaseCeiling],
        [
          'CPU s to sell-out: machine / stack / buyers / postgres / other',
          cpu ? `${cpu.machine} / ${cpu.stack} / ${cpu.buyers} / ${cpu.postgres} / ${cpu.other}` : '—',
        ],
        [
          'machine CPU ms per seat sold: to sell-out / to 95 %',
          `${report.cpuMsPerSeatSold ?? '—'} / ${report.cpuMsPerSeatTo95Percent ?? '—'}`,
        ],
        [
          'buyers: bought / abandoned hold / abandoned reservation / sold out / failed',
          `${outcomes.bought} / ${outcomes.abandonedHold} / ${outcomes.abandonedReservation} / ${outcomes.soldOut} / ${outcomes.failed}`,
        ],
        ...Object.entries(checks).map(([k, v]) => [`invariant ${k}`, v] as [string, number]),
      ],
    );
    if (pgStats) {
      console.log('');
      printTable(
        ['calls', 'total ms', 'mean ms', 'statement'],
        pgStats.slice(0, 25).map((r) => [r.calls, r.totalMs, r.meanMs, r.query.slice(0, 100)]),
      );
    }
    const errorRows = Object.entries(errors).sort((a, b) => b[1] - a[1]);
    if (errorRows.length) {
      console.log('');
      printTable(['error (step:status:code)', 'count'], errorRows);
    }
    console.log(`\nResults written to ${out}`);
    if (Object.values(checks).some((v) => v !== 0)) {
      console.error('FAIL: an invariant does not hold');
      process.exitCode = 1;
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    await db.end();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const run = args.faults
  ? () =>
      runFaults({
        buyers: BUYERS,
        seats: SEATS,
        concurrency: CONCURRENCY,
        processes: PROCESSES,
        holdSeconds: HOLD_SECONDS,
        paymentSeconds: Number(args['payment-seconds']),
        abandonHold: Number(args['abandon-hold']),
        abandonReservation: Number(args['abandon-reservation']),
        maxSeconds: MAX_MS / 1000,
        out: args.out,
      }).then((code) => {
        process.exitCode = code;
      })
  : main;

run().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
