/** SDK client options for talking to the local stack's emulators directly from a test (dummy credentials). */
export const localAws = {
  region: 'ap-northeast-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;
