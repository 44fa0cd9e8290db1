import { type FormEvent, useState } from 'react';
import { FormField } from '../../../components/ui/form-field';
import { LIMITS } from '../../../lib/contract';
import { useI18n } from '../../../lib/i18n';
import { useRegister } from '../api/register';
import { useFormErrors } from '../hooks/use-form-errors';
import { describeAuthError } from '../utils/auth-errors';
import { inputLimits, type RegisterField, type RegisterValues, validateRegister } from '../utils/validation';
import { FormAlert } from './form-alert';

const FIELDS: readonly RegisterField[] = ['name', 'email', 'password', 'passwordConfirm'];

export function RegisterForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useI18n();
  const register = useRegister();
  const [values, setValues] = useState<RegisterValues>({
    name: '',
    email: '',
    password: '',
    passwordConfirm: '',
  });
  const errors = useFormErrors(FIELDS);

  const update = (field: RegisterField, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (errors.submitted) errors.setFields(validateRegister(next));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (register.isPending) return;
    errors.setSubmitted(true);
    const fieldErrors = validateRegister(values);
    errors.setFields(fieldErrors);
    if (Object.keys(fieldErrors).length > 0) {
      errors.setForm((tr) => tr('auth.formErrors'));
      errors.focusFirstInvalid(fieldErrors);
      return;
    }
    errors.setForm(null);
    register.mutate(
      { name: values.name.trim(), email: values.email.trim(), password: values.password },
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
    <form ref={errors.formRef} className="form" onSubmit={onSubmit} noValidate aria-busy={register.isPending}>
      <FormAlert message={errors.form ? errors.form(t) : null} />
      <FormField
        label={t('auth.name')}
        name="name"
        autoComplete="name"
        required
        {...inputLimits.name}
        value={values.name}
        onChange={(e) => update('name', e.target.value)}
        error={errors.fields.name?.(t)}
      />
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
        autoComplete="new-password"
        required
        {...inputLimits.password}
        hint={t('auth.passwordHint', { min: LIMITS.passwordMin, max: LIMITS.passwordMax })}
        value={values.password}
        onChange={(e) => update('password', e.target.value)}
        error={errors.fields.password?.(t)}
      />
      <FormField
        label={t('auth.passwordConfirm')}
        name="passwordConfirm"
        type="password"
        autoComplete="new-password"
        required
        {...inputLimits.password}
        value={values.passwordConfirm}
        onChange={(e) => update('passwordConfirm', e.target.value)}
        error={errors.fields.passwordConfirm?.(t)}
      />
      <button type="submit" className="button button--primary button--block" disabled={register.isPending}>
        {register.isPending ? t('auth.register.pending') : t('auth.register.submit')}
      </button>
    </form>
  );
}
