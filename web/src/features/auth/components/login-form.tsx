import { type FormEvent, useState } from 'react';
import { FormField } from '../../../components/ui/form-field';
import { useI18n } from '../../../lib/i18n';
import { useLogin } from '../api/login';
import { useFormErrors } from '../hooks/use-form-errors';
import { describeAuthError } from '../utils/auth-errors';
import { inputLimits, type LoginField, type LoginValues, validateLogin } from '../utils/validation';
import { FormAlert } from './form-alert';

const FIELDS: readonly LoginField[] = ['email', 'password'];

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useI18n();
  const login = useLogin();
  const [values, setValues] = useState<LoginValues>({ email: '', password: '' });
  const errors = useFormErrors(FIELDS);

  const update = (field: LoginField, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (errors.submitted) errors.setFields(validateLogin(next));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (login.isPending) return;
    errors.setSubmitted(true);
    const fieldErrors = validateLogin(values);
    errors.setFields(fieldErrors);
    if (Object.keys(fieldErrors).length > 0) {
      errors.setForm((tr) => tr('auth.formErrors'));
      errors.focusFirstInvalid(fieldErrors);
      return;
    }
    errors.setForm(null);
    login.mutate(
      { email: values.email.trim(), password: values.password },
      {
        onSuccess,
        onError: (error) => {
          const view = describeAuthError(error, FIELDS);
          errors.setFields(view.fields);
          errors.setForm(view.form);
          errors.focusFirstInvalid(view.fields);
        },
      },
    );
  };

  return (
    <form ref={errors.formRef} className="form" onSubmit={onSubmit} noValidate aria-busy={login.isPending}>
      <FormAlert message={errors.form ? errors.form(t) : null} />
      <FormField
        label={t('auth.email')}
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        {...inputLimits.email}
        value={values.email}
        onChange={(e) => update('email', e.target.value)}
        error={errors.fields.email?.(t)}
      />
      <FormField
        label={t('auth.password')}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        {...inputLimits.loginPassword}
        value={values.password}
        onChange={(e) => update('password', e.target.value)}
        error={errors.fields.password?.(t)}
      />
      <button type="submit" className="button button--primary button--block" disabled={login.isPending}>
        {login.isPending ? t('auth.login.pending') : t('auth.login.submit')}
      </button>
    </form>
  );
}
