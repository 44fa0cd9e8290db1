import { isApiError } from './api/api-error';

/** Generic error messages (none takes parameters, so `t(genericErrorKey(e))` type-checks). */
export type GenericErrorKey =
  | 'error.unexpected'
  | 'error.network'
  | 'error.tooManyRequests'
  | 'error.unavailable'
  | 'error.validation'
  | 'error.sessionExpired';

/** The generic, user-facing message for an error no feature handles specifically. */
export function genericErrorKey(error: unknown): GenericErrorKey {
  if (!isApiError(error)) return 'error.unexpected';
  switch (error.code) {
    case 'NETWORK_ERROR':
      return 'error.network';
    case 'TOO_MANY_REQUESTS':
      return 'error.tooManyRequests';
    case 'DEPENDENCY_UNAVAILABLE':
      return 'error.unavailable';
    case 'VALIDATION_FAILED':
      return 'error.validation';
    case 'UNAUTHENTICATED':
    case 'TOKEN_INVALID':
    case 'REFRESH_TOKEN_INVALID':
      return 'error.sessionExpired';
    default:
      return 'error.unexpected';
  }
}
