/** What test/support/global-setup.ts provides to every integration/e2e test file via `inject('stack')`. */
export interface StackInfo {
  url: string;
  apiUrl: string;
  wsUrl: string;
  managementEndpoint: string;
  sfnEndpoint: string;
  dynamoEndpoint: string;
  databaseUrl: string;
  redisUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** The handler environment (JWT_PRIVATE_KEY, JWT_KEY_ID, CONNECTIONS_TABLE, HOLD_EXPIRY_STATE_MACHINE_ARN…). */
  env: Record<string, string>;
  /** Milliseconds the stack took to start. */
  startMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}
