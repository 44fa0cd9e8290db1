import { Duration } from 'aws-cdk-lib';
import { MANIFEST, type ManifestName, PUBLISHER_PARTS } from '../../functions/manifest';
import type { FunctionName } from '../../shared/routes';
import type { ConfigPart } from './runtime-env';

/**
 * CDK's view of functions/manifest.ts, the one list of functions: which parts of the runtime config contract
 * (functions/shared/config.ts) each Lambda receives — CDK turns a part into environment variables plus the
 * matching least-privilege grants — and where its code is. `base` is always included.
 */

export { PUBLISHER_PARTS };

/** Config parts of a route-table function (`FUNCTIONS` in shared/routes.ts). */
export const partsOf = (fn: FunctionName): readonly ConfigPart[] => MANIFEST[fn].parts;

/** Config parts of every function, by manifest name. */
export const FUNCTION_PARTS = Object.fromEntries(
  Object.entries(MANIFEST).map(([name, spec]) => [name, spec.parts]),
) as { [K in ManifestName]: (typeof MANIFEST)[K]['parts'] };

/** Entry and handler of a function, as AppFunction takes them. */
export const codeOf = (fn: ManifestName): { entry: string; handler: string } => ({
  entry: MANIFEST[fn].entry,
  handler: MANIFEST[fn].handler,
});

/** The manifest's timeout, when it declares one. */
export const timeoutOf = (fn: ManifestName): Duration | undefined => {
  const seconds = (MANIFEST[fn] as { timeoutSeconds?: number }).timeoutSeconds;
  return seconds === undefined ? undefined : Duration.seconds(seconds);
};

/** Handler entry of a route-table function. */
export const routeFunctionEntry = (fn: FunctionName): string => MANIFEST[fn].entry;
