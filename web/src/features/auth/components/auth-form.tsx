import type { ReactNode } from 'react';
import type { AuthFormState } from '../hooks/use-auth-form';
import { FormAlert } from './form-alert';

interface AuthFormProps {
  form: Pick<AuthFormState, 'formRef' | 'onSubmit' | 'pending' | 'formError'>;
  submitLabel: string;
  pendingLabel: string;
  children: ReactNode;
}

/** The frame of a sign-in form: the error summary, the fields, and a submit button that shows progress. */
export function AuthForm({ form, submitLabel, pendingLabel, children }: AuthFormProps) {
  return (
    <form ref={form.formRef} className="form" onSubmit={form.onSubmit} noValidate aria-busy={form.pending}>
      <FormAlert message={form.formError} />
      {children}
      <button type="submit" className="button button--primary button--block" disabled={form.pending}>
        {form.pending ? pendingLabel : submitLabel}
      </button>
    </form>
  );
}
