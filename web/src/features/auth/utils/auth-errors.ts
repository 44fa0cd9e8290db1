import { type ApiError, fieldErrorsOf } from '../../../lib/api';
import { genericErrorKey } from '../../../lib/describe-error';
import type { FieldErrors, Message } from './validation';

export interface AuthErrorView<F extends string> {
  /** Summary shown above the form (announced via aria-live). */
  form: Message;
  /** Errors attached to individual inputs. */
  fields: FieldErrors<F>;
}

/** Maps a failed login/register call to what the form shows, by error code (never by message text). */
export function describeAuthError<F extends string>(
  error: ApiError,
  knownFields: readonly F[],
): AuthErrorView<F> {
  switch (error.code) {
    case 'EMAIL_TAKEN': {
      const message: Message = (t) => t('auth.error.emailTaken');
      const fields: FieldErrors<F> = {};
      if ((knownFields as readonly string[]).includes('email')) fields['email' as F] = message;
      return { form: message, fields };
    }
    case 'INVALID_CREDENTIALS':
      return { form: (t) => t('auth.error.invalidCredentials'), fields: {} };
    case 'ACCOUNT_LOCKED': {
      const seconds = error.retryAfterSeconds;
      if (seconds === null) return { form: (t) => t('auth.error.accountLockedNoTime'), fields: {} };
      const minutes = Math.max(1, Math.ceil(seconds / 60));
      return { form: (t) => t('auth.error.accountLocked', { minutes }), fields: {} };
    }
    case 'VALIDATION_FAILED': {
      const fields: FieldErrors<F> = {};
      for (const field of Object.keys(fieldErrorsOf(error))) {
        if ((knownFields as readonly string[]).includes(field))
          fields[field as F] = (t) => t('validation.invalid');
      }
      return { form: (t) => t('auth.formErrors'), fields };
    }
    default: {
      const key = genericErrorKey(error);
      return { form: (t) => t(key), fields: {} };
    }
  }
}
