/**
 * Interpreting what Lambda handlers return, as API Gateway does: proxy results (REST and WebSocket) and
 * REQUEST-authorizer policies. Pure, so the edge cases are unit-tested.
 */

export interface ProxyResponse {
  statusCode: number;
  /** Lower-cased header name → values. */
  headers: Map<string, { name: string; values: string[] }>;
  body: Buffer;
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);

/** Hop-by-hop and framing headers are the server's business, not the handler's. */
const DROPPED = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * Validates a proxy-integration result. `undefined` means malformed: API Gateway answers 502 for that.
 * `headers` and `multiValueHeaders` merge; a name in both keeps the multi-value list (API Gateway's rule).
 */
export function parseProxyResult(result: unknown): ProxyResponse | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  const status = typeof r.statusCode === 'string' ? Number(r.statusCode) : r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return undefined;
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return undefined;

  const headers = new Map<string, { name: string; values: string[] }>();
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object') return undefined;
    for (const [name, values] of Object.entries(r.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(values) || !values.every(isScalar)) return undefined;
      if (!DROPPED.has(name.toLowerCase()))
        headers.set(name.toLowerCase(), { name, values: values.map(String) });
    }
  }
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object') return undefined;
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      if (!isScalar(value)) return undefined;
      const key = name.toLowerCase();
      if (!DROPPED.has(key) && !headers.has(key)) headers.set(key, { name, values: [String(value)] });
    }
  }
  const text = (r.body as string | undefined | null) ?? '';
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode: status, headers, body };
}

export interface AuthorizerDecision {
  effect: 'Allow' | 'Deny';
  /** `requestContext.authorizer` for the integration: principalId plus the context values, stringified. */
  authorizer: Record<string, string>;
}

export class AuthorizerConfigurationError extends Error {
  override readonly name = 'AuthorizerConfigurationError';
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(value);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Evaluates the IAM policy a REQUEST authorizer returned against the method ARN: an explicit Deny wins,
 * otherwise an Allow must match, otherwise it is a Deny. A malformed result is the authorizer's bug (500).
 */
export function evaluateAuthorizerResult(result: unknown, arn: string): AuthorizerDecision {
  if (!result || typeof result !== 'object')
    throw new AuthorizerConfigurationError('Authorizer returned no result');
  const r = result as { principalId?: unknown; policyDocument?: unknown; context?: unknown };
  if (typeof r.principalId !== 'string' || !r.principalId) {
    throw new AuthorizerConfigurationError('Authorizer result has no principalId');
  }
  const doc = r.policyDocument as { Statement?: unknown } | undefined;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.Statement)) {
    throw new AuthorizerConfigurationError('Authorizer result has no policyDocument.Statement');
  }
  let allowed = false;
  let denied = false;
  for (const raw of doc.Statement as unknown[]) {
    const st = raw as { Effect?: unknown; Action?: unknown; Resource?: unknown };
    const actions = asList(st.Action).filter((a): a is string => typeof a === 'string');
    const resources = asList(st.Resource).filter((a): a is string => typeof a === 'string');
    const actionOk = actions.some((a) => globMatch(a, 'execute-api:Invoke'));
    const resourceOk = resources.some((p) => globMatch(p, arn));
    if (!actionOk || !resourceOk) continue;
    if (st.Effect === 'Deny') denied = true;
    else if (st.Effect === 'Allow') allowed = true;
  }
  const authorizer: Record<string, string> = { principalId: r.principalId };
  if (r.context !== undefined && r.context !== null) {
    if (typeof r.context !== 'object')
      throw new AuthorizerConfigurationError('Authorizer context must be an object');
    for (const [k, v] of Object.entries(r.context as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (!isScalar(v))
        throw new AuthorizerConfigurationError(`Authorizer context value "${k}" is not a scalar`);
      authorizer[k] = String(v);
    }
  }
  return { effect: allowed && !denied ? 'Allow' : 'Deny', authorizer };
}

/** API Gateway's convention: an authorizer that throws exactly "Unauthorized" means 401. */
export function isUnauthorizedError(error: unknown): boolean {
  return error instanceof Error && error.message === 'Unauthorized';
}
