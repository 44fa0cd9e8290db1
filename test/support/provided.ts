import type { LocalStack } from '../../infra/local/stack';

/** What test/support/global-setup.ts provides to every integration/e2e test file via `inject('stack')`. */
export type StackInfo = Pick<
  LocalStack,
  | 'url'
  | 'apiUrl'
  | 'wsUrl'
  | 'managementEndpoint'
  | 'sfnEndpoint'
  | 'dynamoEndpoint'
  | 'databaseUrl'
  | 'redisUrl'
  /** The handler environment (JWT_PRIVATE_KEY, JWT_KEY_ID, CONNECTIONS_TABLE, HOLD_EXPIRY_STATE_MACHINE_ARN…). */
  | 'env'
> & {
  adminEmail: string;
  adminPassword: string;
  /** Milliseconds the stack took to start. */
  startMs: number;
};

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}
