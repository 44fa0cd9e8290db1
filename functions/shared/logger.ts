import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per function. Never log secrets, tokens, passwords or request bodies. */
export function createLogger(serviceName: string): Logger {
  const level = (process.env.LOG_LEVEL ?? 'INFO').toUpperCase();
  return new Logger({
    serviceName: `tiketi-${serviceName}`,
    logLevel: level as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
  });
}
