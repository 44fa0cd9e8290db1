import { TransientError } from '../../shared/errors';
import { PaymentDeclinedError, ProviderRejectedError, ProviderTimeoutError } from '../errors';
import type { CancelResult, ChargeResult, PaymentProvider } from '../ports';

/**
 * Toss Payments adapter, following its documented REST contract (docs.tosspayments.com):
 *   POST {base}/v1/payments/confirm              body { paymentKey, orderId, amount }
 *   POST {base}/v1/payments/{paymentKey}/cancel  body { cancelReason }
 *   GET  {base}/v1/payments/{paymentKey}         the payment (its orderId: whose it is)
 * HTTP Basic auth with base64(secretKey + ':'), an `Idempotency-Key` header on both POSTs (Toss replays the first
 * answer for a repeated key), errors as `{ code, message }` with a 4xx/5xx status.
 *
 * Outcome mapping:
 *  - confirm 200 with status DONE → approved; 200 in any other state (e.g. a virtual account waiting for a
 *    deposit, which we do not sell through) → ProviderRejectedError, so the saga voids it.
 *  - 5xx, 429, and the codes Toss documents as temporary → TransientError (not processed; retry with the same
 *    idempotency key is safe).
 *  - no answer within `timeoutMs` → ProviderTimeoutError (outcome unknown: void, don't assume).
 *  - connection refused / DNS failure → TransientError (the request never reached Toss).
 *  - confirm, any other 4xx → PaymentDeclinedError with Toss's code and message (nothing was charged).
 *  - cancel: ALREADY_CANCELED_PAYMENT → done already; NOT_FOUND_PAYMENT(_SESSION) → nothing to cancel;
 *    other 4xx → ProviderRejectedError.
 *  - lookup: 200 → `{ orderId, status }`; NOT_FOUND_PAYMENT → null; transient as above; other 4xx →
 *    ProviderRejectedError.
 */

export interface TossOptions {
  baseUrl: string;
  secretKey: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Codes Toss returns for failures worth retrying (its message: "temporary error, try again"). */
export const TOSS_TRANSIENT_CODES = new Set([
  'PROVIDER_ERROR',
  'FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING',
  'FAILED_INTERNAL_SYSTEM_PROCESSING',
  'FAILED_METHOD_HANDLING_CANCEL',
  'FAILED_REFUND_PROCESS',
  'IDEMPOTENT_REQUEST_PROCESSING',
  'COMMON_ERROR',
]);
const NOTHING_TO_CANCEL = new Set(['NOT_FOUND_PAYMENT', 'NOT_FOUND_PAYMENT_SESSION']);

interface TossAnswer {
  status: number;
  body: Record<string, unknown>;
}

export function tossProvider(options: TossOptions): PaymentProvider {
  const fetchImpl = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}`;

  const post = (path: string, body: unknown, idempotencyKey: string) =>
    call('POST', path, { body: JSON.stringify(body), idempotencyKey });

  async function call(
    method: 'GET' | 'POST',
    path: string,
    send: { body?: string; idempotencyKey?: string } = {},
  ): Promise<TossAnswer> {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          Authorization: authorization,
          ...(send.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(send.idempotencyKey ? { 'Idempotency-Key': send.idempotencyKey } : {}),
        },
        body: send.body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ProviderTimeoutError(`Toss Payments did not answer within ${options.timeoutMs} ms`, {
          cause: error,
        });
      }
      throw new TransientError('Toss Payments is unreachable', { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    const json = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    return { status: response.status, body: json };
  }

  const codeOf = (a: TossAnswer) => (typeof a.body.code === 'string' ? a.body.code : `HTTP_${a.status}`);
  const messageOf = (a: TossAnswer) =>
    typeof a.body.message === 'string' ? a.body.message : 'The payment provider refused the request.';
  const isTransientAnswer = (a: TossAnswer) =>
    a.status >= 500 || a.status === 429 || TOSS_TRANSIENT_CODES.has(codeOf(a));

  return {
    name: 'toss',

    async confirm(input): Promise<ChargeResult> {
      const answer = await post(
        '/v1/payments/confirm',
        { paymentKey: input.paymentKey, orderId: input.orderId, amount: input.amount },
        input.idempotencyKey,
      );
      if (answer.status === 200) {
        const b = answer.body;
        if (b.status !== 'DONE') {
          throw new ProviderRejectedError(
            'UNEXPECTED_PAYMENT_STATUS',
            `Toss answered the confirm with status ${String(b.status)}`,
          );
        }
        if (b.totalAmount !== undefined && b.totalAmount !== input.amount) {
          throw new ProviderRejectedError('AMOUNT_MISMATCH', 'Toss confirmed a different amount');
        }
        return {
          approved: true,
          providerRef: typeof b.paymentKey === 'string' ? b.paymentKey : input.paymentKey,
          approvedAt: typeof b.approvedAt === 'string' ? b.approvedAt : new Date().toISOString(),
          details: {
            provider: 'toss',
            method: b.method ?? null,
            totalAmount: b.totalAmount ?? null,
            lastTransactionKey: b.lastTransactionKey ?? null,
          },
        };
      }
      if (isTransientAnswer(answer)) {
        throw new TransientError(`Toss Payments confirm failed temporarily (${codeOf(answer)})`);
      }
      throw new PaymentDeclinedError(codeOf(answer), messageOf(answer));
    },

    async cancel(input): Promise<CancelResult> {
      const answer = await post(
        `/v1/payments/${encodeURIComponent(input.paymentKey)}/cancel`,
        { cancelReason: input.reason.slice(0, 200) },
        input.idempotencyKey,
      );
      if (answer.status === 200) return { cancelled: true, alreadyCancelled: false };
      const code = codeOf(answer);
      if (code === 'ALREADY_CANCELED_PAYMENT') return { cancelled: true, alreadyCancelled: true };
      if (NOTHING_TO_CANCEL.has(code)) return { cancelled: false, alreadyCancelled: false };
      if (isTransientAnswer(answer)) {
        throw new TransientError(`Toss Payments cancel failed temporarily (${code})`);
      }
      throw new ProviderRejectedError(code, messageOf(answer));
    },

    async lookup(paymentKey) {
      const answer = await call('GET', `/v1/payments/${encodeURIComponent(paymentKey)}`);
      if (answer.status === 200) {
        const { orderId, status } = answer.body;
        if (typeof orderId !== 'string') {
          throw new ProviderRejectedError(
            'UNEXPECTED_PAYMENT',
            'Toss answered the lookup without an orderId',
          );
        }
        return { orderId, status: typeof status === 'string' ? status : 'UNKNOWN' };
      }
      const code = codeOf(answer);
      if (NOTHING_TO_CANCEL.has(code)) return null;
      if (isTransientAnswer(answer)) {
        throw new TransientError(`Toss Payments lookup failed temporarily (${code})`);
      }
      throw new ProviderRejectedError(code, messageOf(answer));
    },
  };
}
