import { type ChildProcess, fork } from 'node:child_process';
import { chmodSync, closeSync, cpSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { INTEGRATION_TIMEOUT_MS } from '../../infra/local/gateway/rest';
import { getFreePort } from '../../infra/local/ports';
import { type RunningPostgres, startPostgres } from '../../infra/local/postgres';
import { type RunningRedis, startRedis } from '../../infra/local/redis';
import { createSeatedEvent } from '../support/fixtures';
import {
  analyseFaults,
  classify,
  countBy,
  endOf,
  type FaultName,
  type FaultRecord,
  faultAt,
} from './faults-analysis';
import type { FaultsStackConfig, FaultsStackMessage } from './faults-protocol';
import { emptyTally, type FailureRecord, STEPS } from './onsale-protocol';
import { countSold, createBuyers, forkBuyers, invariants, jwtOf } from './onsale-shared';
import { machineInfo, printTable, summarize } from './stats';

/**
 * `npm run bench:onsale -- --faults [--buyers N --seats S …]`
 *
 * The on-sale benchmark while its dependencies fail, one after another, each mid-sale: Redis SIGKILLed and
 * started again 5 s later (empty: nothing persisted), PostgreSQL stopped and started again, and the local stack
 * process itself SIGKILLed and started again. The bench owns PostgreSQL and Redis (same data directory and
 * ports across restarts) and runs the stack in a child process (faults-stack.ts) on a fixed gateway port; hold
 * timers and payment sagas persist with the stack's Step Functions executions and resume after its restart.
 * Buyers retry through outages (honouring Retry-After) and record every failure, which is attributed to the
 * fault whose window it falls in.
 *
 * Afterwards: every invariant 0, every captured payment confirmed or refunded, no buyer told "approved" without a
 * confirmed reservation (orders lost), nothing stuck past its deadline; during the outages clients got 503 with
 * Retry-After (or, while the stack process itself was down, a refused or reset connection), never a hang past
 * the gateway's integration timeout. Any of that broken → exit 1. Loopback only, bounded by --max-seconds.
 */

export interface FaultsArgs {
  buyers: number;
  seats: number;
  concurrency: number;
  processes: number;
  holdSeconds: number;
  paymentSeconds: number;
  abandonHold: number;
  abandonReservation: number;
  maxSeconds: number;
  out?: string;
}

const FAULTS: { name: FaultName; label: string; atSoldFraction: number }[] = [
  { name: 'redis-kill', label: 'Redis SIGKILL, restarted 5 s later', atSoldFraction: 0.05 },
  { name: 'postgres-restart', label: 'PostgreSQL restart (down 5 s)', atSoldFraction: 0.3 },
  { name: 'stack-kill', label: 'local stack process SIGKILL, restarted', atSoldFraction: 0.55 },
];
const DOWN_MS = 5_000;
/** Between one fault's recovery and the next fault: the sale runs normally for a while. */
const CALM_MS = 5_000;
/** A fault waits at most this long for its point in the sale (a stalled sale still gets every fault). */
const TRIGGER_WAIT_MS = 60_000;
/** Buyers retry a failing request this long; a request without an answer this long is a hang. */
const RETRY_FOR_MS = 60_000;
const REQUEST_TIMEOUT_MS = INTEGRATION_TIMEOUT_MS + 6_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stack in a child process; resolves once it says ready. */
function startStackProcess(config: FaultsStackConfig, handlerErrors: Map<string, number>) {
  // Handlers' logs (a warning per refused request during an outage) go to the data directory, not the terminal.
  const log = openSync(join(config.dataDir, 'logs', 'stack.log'), 'a');
  const child = fork(join('test', 'bench', 'faults-stack.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FAULTS_STACK_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  return new Promise<{ child: ChildProcess; env: Record<string, string>; url: string }>(
    (resolveReady, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the stack process was not ready within 180 s')),
        180_000,
      );
      child.on('message', (m: FaultsStackMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolveReady({ child, env: m.env, url: m.url });
        } else if (m.type === 'failed') reject(new Error(`the stack process failed to start: ${m.error}`));
        else if (m.type === 'handler-error') {
          const k = `${m.where}: ${m.message}`;
          handlerErrors.set(k, (handlerErrors.get(k) ?? 0) + 1);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the stack process exited (${signal ?? code}) before it was ready`));
      });
    },
  );
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export async function runFaults(args: FaultsArgs): Promise<number> {
  const dataDir = resolve('.local', `bench-faults-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  chmodSync(dataDir, 0o755);
  console.log(
    `On-sale benchmark under faults: ${args.seats} seats, ${args.buyers} buyers (${args.concurrency} at a time), ` +
      `holds ${args.holdSeconds} s, payment window ${args.paymentSeconds} s; faults: ${FAULTS.map((f) => f.name).join(', ')}`,
  );
  // Handlers (in the stack process) read these at cold start: abandoned seats come back within the run, and
  // payments a killed stack left in progress without a saga are reconciled within seconds, not minutes.
  process.env.RESERVATION_PAYMENT_SECONDS = String(args.paymentSeconds);
  process.env.PAYMENT_RECONCILE_AFTER_SECONDS = '15';

  const [pgPort, redisPort, gatewayPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
  const startPg = () =>
    startPostgres({
      dir: join(dataDir, 'pg'),
      port: pgPort,
      ephemeral: true,
      logFile: join(dataDir, 'logs', 'postgres.log'),
    });
  const startRd = () => startRedis({ port: redisPort, logFile: join(dataDir, 'logs', 'redis.log') });
  let postgres: RunningPostgres = await startPg();
  let redis: RunningRedis = await startRd();
  const handlerErrors = new Map<string, number>();
  const stackConfig: FaultsStackConfig = {
    dataDir,
    port: gatewayPort,
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    migrate: true,
    holdSweepIntervalMs: 5_000,
    paymentReconcileIntervalMs: 5_000,
  };
  // A stack process that dies when the bench did not kill it (a crash under a fault) is a failure of its own.
  const crashes: string[] = [];
  let killing = false;
  const watch = (s: Awaited<ReturnType<typeof startStackProcess>>) => {
    s.child.once('exit', (code, signal) => {
      if (!killing) crashes.push(`the stack process died (${signal ?? `exit ${code}`}) without being killed`);
    });
    return s;
  };
  let stack = watch(await startStackProcess(stackConfig, handlerErrors));
  const db = new pg.Pool({ connectionString: postgres.url, max: 4, connectionTimeoutMillis: 2_000 });
  db.on('error', () => {});
  const children: ChildProcess[] = [];
  try {
    const { eventId } = await createSeatedEvent(db, {
      seats: args.seats,
      perRow: 100,
      holdSeconds: args.holdSeconds,
      maxSeatsPerUser: 4,
      title: 'On-sale benchmark under faults',
    });
    const userIds = await createBuyers(db, args.buyers);
    console.log(`  event and ${userIds.length} buyers created; selling…`);

    let soldNow = 0;
    const sold = () => countSold(db, eventId);
    const tally = { ...emptyTally(), failures: [] as FailureRecord[], approvedReservations: [] as string[] };
    const doneBy = new Map<ChildProcess, number>();
    const started = Date.now();
    const soldCurve: [number, number][] = [];
    let buyersFinished = false;
    const monitor = setInterval(async () => {
      // Unreadable while PostgreSQL is down: the curve just has a gap.
      const n = await sold().catch(() => -1);
      if (n >= 0) soldNow = n;
      soldCurve.push([Date.now() - started, n]);
      if (soldCurve.length % 5 === 0) {
        const done = [...doneBy.values()].reduce((a, b) => a + b, 0);
        process.stdout.write(
          `  ${Math.round((Date.now() - started) / 1000)} s: ${soldNow} sold, ${done}/${args.buyers} buyers done\n`,
        );
      }
    }, 1_000);

    const finished = forkBuyers({
      processes: args.processes,
      userIds,
      tally,
      children,
      doneBy,
      config: {
        url: stack.url,
        eventId,
        concurrency: Math.max(1, Math.round(args.concurrency / args.processes)),
        abandonHold: args.abandonHold,
        abandonReservation: args.abandonReservation,
        jwt: jwtOf(stack.env),
        faults: { retryForMs: RETRY_FOR_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      },
    });
    finished.then(
      () => {
        buyersFinished = true;
      },
      () => {},
    );

    // The faults, one after another, each at its point in the sale.
    const faults: FaultRecord[] = [];
    const inject = async () => {
      for (const fault of FAULTS) {
        const waitUntil = Date.now() + TRIGGER_WAIT_MS;
        while (!buyersFinished && soldNow < args.seats * fault.atSoldFraction && Date.now() < waitUntil) {
          await sleep(200);
        }
        if (buyersFinished) break;
        const startedAt = Date.now();
        const soldAtStart = soldNow;
        console.log(
          `  ${Math.round((startedAt - started) / 1000)} s: fault ${fault.name} (${soldAtStart} sold)`,
        );
        if (fault.name === 'redis-kill') {
          process.kill(redis.pid, 'SIGKILL');
          await redis.stop(); // already gone: only lets go of its output
          await sleep(DOWN_MS);
          redis = await startRd();
        } else if (fault.name === 'postgres-restart') {
          await postgres.stop();
          await sleep(DOWN_MS);
          postgres = await startPg();
        } else {
          killing = true;
          stack.child.kill('SIGKILL');
          await waitForExit(stack.child);
          killing = false;
          stack = watch(await startStackProcess({ ...stackConfig, migrate: false }, handlerErrors));
        }
        const backAt = Date.now();
        console.log(
          `  ${Math.round((backAt - started) / 1000)} s: ${fault.name} back after ${((backAt - startedAt) / 1000).toFixed(1)} s`,
        );
        faults.push({ name: fault.name, label: fault.label, startedAt, backAt, soldAtStart });
        await sleep(CALM_MS);
      }
    };
    const injected = inject();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`not finished within --max-seconds ${args.maxSeconds}`)),
        args.maxSeconds * 1000,
      ).unref(),
    );
    await Promise.race([Promise.all([finished, injected]), timeout]);
    const buyersMs = Date.now() - started;

    // Sagas still running finish (resumed or reconciled ones included) and expired seats return; then the
    // books are read.
    const settle = async () => {
      const one = async (sql: string) => Number((await db.query<{ n: string }>(sql, [eventId])).rows[0]!.n);
      return {
        paymentsInProgress: await one(
          `SELECT count(*) AS n FROM payments p JOIN reservations r ON r.id = p.reservation_id
            WHERE r.event_id = $1 AND p.status = 'in_progress'`,
        ),
        // A seat still held or reserved well past its hold's or reservation's deadline: nothing gave it back.
        seatsStuckPastDeadline: await one(
          `SELECT count(*) AS n FROM seats s
             LEFT JOIN holds h ON h.id = s.hold_id
             LEFT JOIN reservations r ON r.id = s.reservation_id
            WHERE s.event_id = $1 AND (
              (s.status = 'held' AND (h.status <> 'active' OR h.expires_at < now() - interval '20 seconds'))
              OR (s.status = 'reserved' AND (r.status <> 'pending_payment'
                                             OR r.expires_at < now() - interval '20 seconds')))`,
        ),
      };
    };
    let settled = await settle();
    const settleUntil = Date.now() + 120_000;
    while ((settled.paymentsInProgress || settled.seatsStuckPastDeadline) && Date.now() < settleUntil) {
      await sleep(1_000);
      settled = await settle();
    }
    clearInterval(monitor);
    const soldSeats = await sold();

    const checks = await invariants(db, eventId);
    // From the provider's side (the sandbox's own ledger): money taken whose order did not end confirmed with
    // that payment, and was not given back.
    const capturedNotSettled = Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM sandbox_charges c
             JOIN payments p ON p.order_id = c.order_id
             JOIN reservations r ON r.id = p.reservation_id
            WHERE r.event_id = $1 AND c.status = 'approved'
              AND NOT (p.status = 'approved' AND p.payment_key = c.payment_key AND r.status = 'confirmed')`,
          [eventId],
        )
      ).rows[0]!.n,
    );
    // What buyers were told: "approved" must mean a confirmed reservation.
    const toldApprovedNotConfirmed = (
      await db.query<{ id: string; created_at: Date }>(
        `SELECT id, created_at FROM reservations WHERE id = ANY($1::uuid[]) AND status <> 'confirmed'`,
        [tally.approvedReservations],
      )
    ).rows;
    const ordersLost = capturedNotSettled + toldApprovedNotConfirmed.length;
    const refunds = Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM payments p JOIN reservations r ON r.id = p.reservation_id
            WHERE r.event_id = $1 AND p.status = 'refunded'`,
          [eventId],
        )
      ).rows[0]!.n,
    );

    const { perFault, beforeFaults } = analyseFaults({
      faults,
      failures: tally.failures,
      lostOrdersAt: toldApprovedNotConfirmed.map((r) => r.created_at.getTime()),
      seats: args.seats,
      started,
    });

    const problems: string[] = [...crashes];
    if (faults.length < FAULTS.length)
      problems.push(`only ${faults.length} of ${FAULTS.length} faults ran before the buyers finished`);
    for (const f of perFault) {
      if (!f.midSale) problems.push(`${f.fault} did not happen mid-sale`);
      if (f.hangs)
        problems.push(
          `${f.fault}: ${f.hangs} request(s) hung past the ${INTEGRATION_TIMEOUT_MS / 1000} s timeout`,
        );
      if (f.unclearAnswers)
        problems.push(
          `${f.fault}: ${f.unclearAnswers} answer(s) not a clear 503 with Retry-After (${JSON.stringify(f.unclearByKind)})`,
        );
    }
    if (beforeFaults.length)
      problems.push(
        `${beforeFaults.length} request(s) failed before any fault (${JSON.stringify(countBy(beforeFaults))})`,
      );
    if (ordersLost) problems.push(`${ordersLost} order(s) lost`);
    for (const [k, v] of Object.entries(checks)) if (v) problems.push(`invariant ${k} = ${v}`);
    if (settled.paymentsInProgress)
      problems.push(`${settled.paymentsInProgress} payment(s) still in progress`);
    if (settled.seatsStuckPastDeadline)
      problems.push(`${settled.seatsStuckPastDeadline} seat(s) stuck past their deadline`);

    const report = {
      benchmark: 'onsale-faults',
      date: new Date().toISOString(),
      machine: machineInfo(),
      params: {
        seats: args.seats,
        buyers: args.buyers,
        concurrency: args.concurrency,
        holdSeconds: args.holdSeconds,
        paymentSeconds: args.paymentSeconds,
        abandonHold: args.abandonHold,
        abandonReservation: args.abandonReservation,
        downSeconds: DOWN_MS / 1000,
        buyerRetrySeconds: RETRY_FOR_MS / 1000,
      },
      faults: perFault,
      soldSeats,
      soldOut: soldSeats === args.seats,
      buyersFinishedMs: buyersMs,
      outcomes: tally.outcomes,
      refundedPayments: refunds,
      ordersLost,
      capturedNotConfirmedNorRefunded: capturedNotSettled,
      toldApprovedNotConfirmed: toldApprovedNotConfirmed.length,
      settled,
      invariants: checks,
      latencyMs: Object.fromEntries(STEPS.map((s) => [s, summarize(tally.latencies[s])])),
      errors: tally.errors,
      /** Handler errors the stack logged, by first line (the developer's view of the same faults). */
      handlerErrors: Object.fromEntries([...handlerErrors].sort((a, b) => b[1] - a[1]).slice(0, 30)),
      problems,
      /** The failures that broke a rule, as recorded (the first 10 of each kind). */
      unclearFailures: tally.failures
        .filter((f) => ['hang', 'unclear'].includes(classify(f, faultAt(faults, endOf(f))?.name)))
        .filter((f, _, all) => all.filter((g) => g.step === f.step && g.code === f.code).indexOf(f) < 10)
        .map((f) => ({ ...f, atS: Math.round((f.at - started) / 100) / 10 })),
      soldCurve,
    };
    const out = args.out ?? join('test', 'bench', 'results', `onsale-faults-${args.seats}.json`);
    mkdirSync(resolve(out, '..'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

    console.log('');
    printTable(
      [
        'fault',
        'at s',
        'sold then',
        'down s',
        's to recover',
        'failed',
        '503+Retry-After',
        'conn refused/reset',
        'hangs',
        'unclear',
        'orders lost',
      ],
      perFault.map((f) => [
        f.label,
        f.startedAtS,
        f.soldAtStart,
        f.downSeconds,
        f.secondsToRecover,
        f.requestsFailed,
        f.clear503WithRetryAfter,
        f.connectionRefusedOrReset,
        f.hangs,
        f.unclearAnswers,
        f.ordersLost,
      ]),
    );
    console.log('');
    printTable(
      ['measure', 'value'],
      [
        ['seats sold', `${soldSeats} / ${args.seats}`],
        ['buyers finished after', `${(buyersMs / 1000).toFixed(1)} s`],
        [
          'buyers: bought / abandoned hold / abandoned reservation / sold out / failed',
          `${tally.outcomes.bought} / ${tally.outcomes.abandonedHold} / ${tally.outcomes.abandonedReservation} / ${tally.outcomes.soldOut} / ${tally.outcomes.failed}`,
        ],
        ['payments refunded', refunds],
        [
          'orders lost (captured and not confirmed nor refunded + told approved, not confirmed)',
          `${ordersLost} (${capturedNotSettled} + ${toldApprovedNotConfirmed.length})`,
        ],
        [
          'payments still in progress / seats stuck past deadline',
          `${settled.paymentsInProgress} / ${settled.seatsStuckPastDeadline}`,
        ],
        ...Object.entries(checks).map(([k, v]) => [`invariant ${k}`, v] as [string, number]),
      ],
    );
    if (handlerErrors.size) {
      console.log('');
      printTable(
        ['handler error (stack log)', 'count'],
        Object.entries(report.handlerErrors)
          .slice(0, 10)
          .map(([k, v]) => [k.slice(0, 110), v]),
      );
    }
    console.log(`\nResults written to ${out}`);
    if (problems.length) {
      // The servers' and handlers' logs of a failed run are kept for a look.
      const kept = resolve('.local', 'bench-faults-failed-logs');
      rmSync(kept, { recursive: true, force: true });
      cpSync(join(dataDir, 'logs'), kept, { recursive: true });
      console.error(`FAIL:\n  ${problems.join('\n  ')}\n(logs in ${kept})`);
      return 1;
    }
    return 0;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    await db.end().catch(() => {});
    killing = true;
    stack.child.kill('SIGTERM');
    await Promise.race([waitForExit(stack.child), sleep(30_000)]);
    if (stack.child.exitCode === null && stack.child.signalCode === null) stack.child.kill('SIGKILL');
    await redis.stop();
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
