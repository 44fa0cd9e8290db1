import type { UseMutationResult } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import type { ApiError } from '../../../lib/api';
import { useI18n } from '../../../lib/i18n';
import { describeAuthError } from '../utils/auth-errors';
import type { FieldErrors } from '../utils/validation';
import { useFormErrors } from './use-form-errors';

interface AuthFormOptions<F extends string, B> {
  /** Field names in display order (first invalid gets focus); must be a stable (module-level) array. */
  fields: readonly F[];
  validate: (values: Record<F, string>) => FieldErrors<F>;
  /** The request body for valid values (e.g. trimmed). */
  toBody: (values: Record<F, string>) => B;
  mutation: Pick<UseMutationResult<unknown, ApiError, B>, 'isPending' | 'mutate'>;
  onSuccess: () => void;
}

/**
 * State and submit flow shared by the sign-in forms: validate on the client first (then on every change
 * once submitted), send the mutation, and map a server error onto the fields and the form summary.
 */
export function useAuthForm<F extends string, B>({
  fields,
  validate,
  toBody,
  mutation,
  onSuccess,
}: AuthFormOptions<F, B>) {
  const { t } = useI18n();
  const [values, setValues] = useState(
    () => Object.fromEntries(fields.map((field) => [field, ''])) as Record<F, string>,
  );
  const errors = useFormErrors(fields);

  const update = (field: F, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (errors.submitted) errors.setFields(validate(next));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    errors.setSubmitted(true);
    const fieldErrors = validate(values);
    errors.setFields(fieldErrors);
    if (Object.keys(fieldErrors).length > 0) {
      errors.setForm((tr) => tr('auth.formErrors'));
      errors.focusFirstInvalid(fieldErrors);
      return;
    }
    errors.setForm(null);
    mutation.mutate(toBody(values), {
      onSuccess,
      onError: (error) => {
        const view = describeAuthError(error, fields);
        errors.setFields(view.fields);
        errors.setForm(view.form);
        errors.focusFirstInvalid(view.fields);
      },
    });
  };

  /** Props wiring one `FormField` to a field: `<FormField … {...bind('email')} />`. */
  const bind = (field: F) => ({
    name: field,
    value: values[field],
    onChange: (e: ChangeEvent<HTMLInputElement>) => update(field, e.target.value),
    error: errors.fields[field]?.(t),
  });

  return {
    bind,
    formRef: errors.formRef,
    onSubmit,
    pending: mutation.isPending,
    formError: errors.form ? errors.form(t) : null,
  };
}

export type AuthFormState = ReturnType<typeof useAuthForm>;
