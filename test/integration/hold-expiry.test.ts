import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SEED_EVENT_IDS } from '../../functions/db/seed';
import { localAws } from '../support/aws';
import { createDb } from '../support/db';
import { registerUser } from '../support/http';

/**
 * The hold-expiry state machine (the ASL file CDK deploys) run by the local executor against real PostgreSQL:
 * at the deadline the hold's seats come back, a second run changes nothing, and a converted hold is left alone.
 */
const stack = inject('stack');
const db = createDb(stack.databaseUrl);
const sfn = new SFNClient({ ...localAws, endpoint: stack.sfnEndpoint });
afterAll(async () => {
  sfn.destroy();
  await db.end();
});
const eventId = SEED_EVENT_IDS.symphony;

async function holdSeats(count: number, expiresInMs: number) {
  const user = await registerUser('hold');
  const hold = await db.query<{ id: string; expires_at: Date }>(
    `INSERT INTO holds (event_id, user_id, expires_at) VALUES ($1, $2, now() + ($3 || ' milliseconds')::interval)
     RETURNING id, expires_at`,
    [eventId, user.user.id, String(expiresInMs)],
  );
  const { id, expires_at } = hold.rows[0]!;
  const seats = await db.query<{ id: string }>(
    `UPDATE seats SET status = 'held', hold_id = $1
     WHERE id IN (SELECT id FROM seats WHERE event_id = $2 AND status = 'available' ORDER BY label LIMIT $3)
     RETURNING id`,
    [id, eventId, count],
  );
  return { holdId: id, expiresAt: expires_at.toISOString(), seatIds: seats.rows.map((s) => s.id).sort() };
}

async function run(input: object) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.env.HOLD_EXPIRY_STATE_MACHINE_ARN!,
      input: JSON.stringify(input),
    }),
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const statuses = async (ids: string[]) =>
  (
    await db.query<{ status: string }>('SELECT status FROM seats WHERE id = ANY($1) ORDER BY id', [ids])
  ).rows.map((r) => r.status);

describe('hold expiry on Step Functions', () => {
  it('releases the seats at the deadline, and a second run changes nothing', async () => {
    const hold = await holdSeats(3, 800);
    expect(await statuses(hold.seatIds)).toEqual(['held', 'held', 'held']);

    const first = await run({ holdId: hold.holdId, eventId, expiresAt: hold.expiresAt });
    expect(first.status, `${first.error} ${first.cause}`).toBe('SUCCEEDED');
    const result = JSON.parse(first.output!).release.result;
    expect(result.released).toBe(true);
    expect([...result.seatIds].sort()).toEqual(hold.seatIds);
    expect(await statuses(hold.seatIds)).toEqual(['available', 'available', 'available']);
    const row = await db.query('SELECT status FROM holds WHERE id = $1', [hold.holdId]);
    expect(row.rows[0].status).toBe('expired');

    const again = await run({ holdId: hold.holdId, eventId, expiresAt: hold.expiresAt });
    expect(JSON.parse(again.output!).release.result).toEqual({
      released: false,
      reason: 'not_active',
      seatIds: [],
    });
  });

  it('leaves a hold that was converted before the deadline alone', async () => {
    const hold = await holdSeats(2, 500);
    await db.query("UPDATE holds SET status = 'converted', closed_at = now() WHERE id = $1", [hold.holdId]);
    const out = await run({ holdId: hold.holdId, eventId, expiresAt: hold.expiresAt });
    expect(JSON.parse(out.output!).release.result.released).toBe(false);
    expect(await statuses(hold.seatIds)).toEqual(['held', 'held']);
    await db.query("UPDATE seats SET status = 'available', hold_id = NULL WHERE id = ANY($1)", [
      hold.seatIds,
    ]);
  });

  it('fails the execution on input the task refuses (not a transient error)', async () => {
    const out = await run({ holdId: 'not-a-uuid', eventId, expiresAt: new Date().toISOString() });
    expect(out.status).toBe('FAILED');
    expect(out.error).toBe('HoldReleaseFailed');
  });
});
