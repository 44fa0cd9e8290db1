import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP fake of the Toss Payments REST contract the adapter uses (functions/payments/providers/toss.ts):
 *
 *   POST /v1/payments/confirm              { paymentKey, orderId, amount } → 200 Payment (status DONE)
 *   POST /v1/payments/{paymentKey}/cancel  { cancelReason }                → 200 Payment (status CANCELED)
 *   GET  /v1/payments/{paymentKey}                                          → 200 Payment (its orderId)
 *
 * Like Toss it checks HTTP Basic auth (base64(secretKey + ':')), answers errors as `{ code, message }`, and
 * honours `Idempotency-Key`: a repeated key on the same method and path gets the first answer again without
 * doing anything. A paymentKey confirmed under another key is ALREADY_PROCESSED_PAYMENT; cancelling an unknown
 * key is NOT_FOUND_PAYMENT, a cancelled one ALREADY_CANCELED_PAYMENT.
 *
 * Tests script behaviour per paymentKey with `fake.on(paymentKey, behaviour)`: decline with a code, fail with a
 * 5xx or a temporary code, or hang past the client's timeout (the charge still happens, as when the answer is
 * lost on the way back); `fake.onLookup(paymentKey, …)` fails lookups with an error status.
 */

export type FakeBehaviour =
  | { kind: 'approve' }
  | { kind: 'decline'; status?: number; code: string; message?: string }
  | { kind: 'error'; status: number; code: string; message?: string }
  | { kind: 'hang'; ms: number }
  | { kind: 'status'; paymentStatus: string };

export interface FakePayment {
  paymentKey: string;
  orderId: string;
  totalAmount: number;
  status: 'DONE' | 'CANCELED' | string;
  cancels: { cancelReason: string; cancelAmount: number; canceledAt: string }[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: unknown;
}

export interface TossFake {
  url: string;
  secretKey: string;
  requests: RecordedRequest[];
  payments: Map<string, FakePayment>;
  /** Behaviour of the next confirm calls for a paymentKey (default approve). */
  on(paymentKey: string, behaviour: FakeBehaviour, opts?: { times?: number }): void;
  /** Behaviour of the next cancel calls for a paymentKey (default: cancel). */
  onCancel(
    paymentKey: string,
    behaviour: Exclude<FakeBehaviour, { kind: 'status' }>,
    opts?: { times?: number },
  ): void;
  /** Behaviour of the next lookups of a paymentKey (default: the payment, or NOT_FOUND_PAYMENT). */
  onLookup(
    paymentKey: string,
    behaviour: Extract<FakeBehaviour, { kind: 'error' }>,
    opts?: { times?: number },
  ): void;
  stop(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
};
const error = (res: ServerResponse, status: number, code: string, message = code) =>
  json(res, status, { code, message });

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const paymentBody = (p: FakePayment) => ({
  mId: 'tosspayments',
  version: '2022-11-16',
  paymentKey: p.paymentKey,
  orderId: p.orderId,
  orderName: 'TIKETI order',
  currency: 'KRW',
  method: '카드',
  status: p.status,
  totalAmount: p.totalAmount,
  balanceAmount: p.status === 'CANCELED' ? 0 : p.totalAmount,
  approvedAt: '2026-11-21T12:00:00+09:00',
  requestedAt: '2026-11-21T11:59:50+09:00',
  lastTransactionKey: `txn_${p.paymentKey.slice(0, 8)}`,
  cancels: p.cancels.length ? p.cancels : null,
});

export async function startTossFake(secretKey = 'test_sk_fake_secret'): Promise<TossFake> {
  const expectedAuth = `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`;
  const requests: RecordedRequest[] = [];
  const payments = new Map<string, FakePayment>();
  const confirmScript = new Map<string, { behaviour: FakeBehaviour; times: number }>();
  const cancelScript = new Map<string, { behaviour: FakeBehaviour; times: number }>();
  const lookupScript = new Map<string, { behaviour: FakeBehaviour; times: number }>();
  // Idempotency: (method, path, key) → the first answer.
  const replay = new Map<string, { status: number; body: unknown }>();
  const hanging = new Set<ServerResponse>();

  const take = (script: typeof confirmScript, key: string): FakeBehaviour | undefined => {
    const entry = script.get(key);
    if (!entry) return undefined;
    entry.times -= 1;
    if (entry.times <= 0) script.delete(key);
    return entry.behaviour;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization,
      idempotencyKey,
      body,
    });
    if (req.headers.authorization !== expectedAuth) {
      return error(res, 401, 'UNAUTHORIZED_KEY', '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.');
    }
    const replayKey = idempotencyKey ? `${req.method} ${url.pathname} ${idempotencyKey}` : undefined;
    const previous = replayKey ? replay.get(replayKey) : undefined;
    if (previous) return json(res, previous.status, previous.body);
    const answer = (status: number, payload: unknown) => {
      if (replayKey) replay.set(replayKey, { status, body: payload });
      json(res, status, payload);
    };

    const cancel = /^\/v1\/payments\/([^/]+)\/cancel$/.exec(url.pathname);
    const lookup = /^\/v1\/payments\/([^/]+)$/.exec(url.pathname);

    if (req.method === 'POST' && url.pathname === '/v1/payments/confirm') {
      const b = body as { paymentKey?: unknown; orderId?: unknown; amount?: unknown } | undefined;
      if (
        typeof b?.paymentKey !== 'string' ||
        typeof b.orderId !== 'string' ||
        typeof b.amount !== 'number'
      ) {
        return answer(400, { code: 'INVALID_REQUEST', message: '잘못된 요청입니다.' });
      }
      const behaviour = take(confirmScript, b.paymentKey) ?? { kind: 'approve' };
      if (behaviour.kind === 'decline') {
        return answer(behaviour.status ?? 403, {
          code: behaviour.code,
          message: behaviour.message ?? '카드 승인이 거절되었습니다.',
        });
      }
      if (behaviour.kind === 'error') {
        // Not processed: no replay entry, a retry may succeed.
        return error(res, behaviour.status, behaviour.code, behaviour.message);
      }
      const existing = payments.get(b.paymentKey);
      if (existing) {
        return answer(400, { code: 'ALREADY_PROCESSED_PAYMENT', message: '이미 처리된 결제 입니다.' });
      }
      const payment: FakePayment = {
        paymentKey: b.paymentKey,
        orderId: b.orderId,
        totalAmount: b.amount,
        status: behaviour.kind === 'status' ? behaviour.paymentStatus : 'DONE',
        cancels: [],
      };
      payments.set(b.paymentKey, payment);
      if (behaviour.kind === 'hang') {
        // Processed, but the answer comes too late for the client.
        hanging.add(res);
        setTimeout(() => {
          hanging.delete(res);
          if (!res.destroyed) answer(200, paymentBody(payment));
        }, behaviour.ms).unref();
        return;
      }
      return answer(200, paymentBody(payment));
    }

    if (req.method === 'POST' && cancel) {
      const paymentKey = decodeURIComponent(cancel[1]!);
      const b = body as { cancelReason?: unknown } | undefined;
      if (typeof b?.cancelReason !== 'string' || !b.cancelReason) {
        return answer(400, { code: 'INVALID_REQUEST', message: '취소 사유를 입력해주세요.' });
      }
      const behaviour = take(cancelScript, paymentKey);
      if (behaviour?.kind === 'error' || behaviour?.kind === 'decline') {
        return error(res, behaviour.status ?? 400, behaviour.code, behaviour.message);
      }
      if (behaviour?.kind === 'hang') {
        hanging.add(res);
        setTimeout(() => {
          hanging.delete(res);
          if (!res.destroyed) error(res, 504, 'TIMEOUT');
        }, behaviour.ms).unref();
        return;
      }
      const payment = payments.get(paymentKey);
      if (!payment)
        return answer(404, { code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' });
      if (payment.status === 'CANCELED') {
        return answer(400, { code: 'ALREADY_CANCELED_PAYMENT', message: '이미 취소된 결제 입니다.' });
      }
      payment.status = 'CANCELED';
      payment.cancels.push({
        cancelReason: b.cancelReason,
        cancelAmount: payment.totalAmount,
        canceledAt: new Date().toISOString(),
      });
      return answer(200, paymentBody(payment));
    }

    if (req.method === 'GET' && lookup) {
      const paymentKey = decodeURIComponent(lookup[1]!);
      const behaviour = take(lookupScript, paymentKey);
      if (behaviour?.kind === 'error') return error(res, behaviour.status, behaviour.code, behaviour.message);
      const payment = payments.get(paymentKey);
      if (!payment) return error(res, 404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.');
      return json(res, 200, paymentBody(payment));
    }
    return error(res, 404, 'NOT_FOUND', 'Not found');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    requests,
    payments,
    on(paymentKey, behaviour, opts) {
      confirmScript.set(paymentKey, { behaviour, times: opts?.times ?? Number.POSITIVE_INFINITY });
    },
    onCancel(paymentKey, behaviour, opts) {
      cancelScript.set(paymentKey, { behaviour, times: opts?.times ?? Number.POSITIVE_INFINITY });
    },
    onLookup(paymentKey, behaviour, opts) {
      lookupScript.set(paymentKey, { behaviour, times: opts?.times ?? Number.POSITIVE_INFINITY });
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
