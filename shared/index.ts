export * from './domain';
export * from './errors';
export * from './openapi';
export * from './routes';
export * from './ws';
