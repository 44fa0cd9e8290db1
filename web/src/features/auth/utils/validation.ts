import type { z } from 'zod';
import { LIMITS, loginBodySchema, registerBodySchema } from '../../../lib/contract';
import type { Translate } from '../../../lib/i18n';

/**
 * Client-side validation that mirrors the server: it runs the route table's own request schemas
 * (`loginBodySchema`, `registerBodySchema`, built on `LIMITS`), so both sides reject the same input; this
 * file only turns zod issues into localized messages.
 */

/** A message rendered at display time, so switching language re-translates visible errors. */
export type Message = (t: Translate) => string;

export type LoginField = 'email' | 'password';
export type RegisterField = 'name' | 'email' | 'password' | 'passwordConfirm';
export type FieldErrors<F extends string> = Partial<Record<F, Message>>;

export interface LoginValues {
  email: string;
  password: string;
}
export interface RegisterValues {
  name: string;
  email: string;
  password: string;
  passwordConfirm: string;
}

const required: Message = (t) => t('validation.required');

function issueMessage(issue: z.core.$ZodIssue): Message {
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      return min <= 1 ? required : (t) => t('validation.tooShort', { min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      return (t) => t('validation.tooLong', { max });
    }
    case 'invalid_format':
      return issue.format === 'email' ? (t) => t('validation.email') : (t) => t('validation.invalid');
    default:
      return (t) => t('validation.invalid');
  }
}

function collect<F extends string>(
  schema: z.ZodType,
  values: Record<F, string>,
  fields: readonly F[],
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const field of fields) {
    // Empty first: "required" reads better than "enter a valid email" for a blank field.
    if (values[field].trim() === '') errors[field] = required;
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0] as F | undefined;
      if (field && fields.includes(field) && !errors[field]) errors[field] = issueMessage(issue);
    }
  }
  return errors;
}

export function validateLogin(values: LoginValues): FieldErrors<LoginField> {
  return collect(loginBodySchema, { email: values.email.trim(), password: values.password }, [
    'email',
    'password',
  ]);
}

export function validateRegister(values: RegisterValues): FieldErrors<RegisterField> {
  const errors: FieldErrors<RegisterField> = collect(
    registerBodySchema,
    { name: values.name, email: values.email.trim(), password: values.password },
    ['name', 'email', 'password'],
  );
  if (values.passwordConfirm === '') errors.passwordConfirm = required;
  else if (values.passwordConfirm !== values.password)
    errors.passwordConfirm = (t) => t('validation.passwordMismatch');
  return errors;
}

/** Attributes that let the browser enforce the same limits before submit. */
export const inputLimits = {
  email: { maxLength: LIMITS.emailMax },
  password: { minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax },
  loginPassword: { maxLength: LIMITS.passwordMax },
  name: { maxLength: LIMITS.nameMax },
} as const;
