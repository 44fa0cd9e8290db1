import { FormField } from '../../../components/ui/form-field';
import { LIMITS } from '../../../lib/contract';
import { useI18n } from '../../../lib/i18n';
import { useRegister } from '../api/register';
import { useAuthForm } from '../hooks/use-auth-form';
import { inputLimits, type RegisterField, validateRegister } from '../utils/validation';
import { AuthForm } from './auth-form';
import { EmailField } from './email-field';

const FIELDS: readonly RegisterField[] = ['name', 'email', 'password', 'passwordConfirm'];

export function RegisterForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useI18n();
  const register = useRegister();
  const form = useAuthForm({
    fields: FIELDS,
    validate: validateRegister,
    toBody: (values) => ({ name: values.name.trim(), email: values.email.trim(), password: values.password }),
    mutation: register,
    onSuccess,
  });

  return (
    <AuthForm form={form} submitLabel={t('auth.register.submit')} pendingLabel={t('auth.register.pending')}>
      <FormField
        label={t('auth.name')}
        autoComplete="name"
        required
        {...inputLimits.name}
        {...form.bind('name')}
      />
      <EmailField {...form.bind('email')} />
      <FormField
        label={t('auth.password')}
        type="password"
        autoComplete="new-password"
        required
        {...inputLimits.password}
        hint={t('auth.passwordHint', { min: LIMITS.passwordMin, max: LIMITS.passwordMax })}
        {...form.bind('password')}
      />
      <FormField
        label={t('auth.passwordConfirm')}
        type="password"
        autoComplete="new-password"
        required
        {...inputLimits.password}
        {...form.bind('passwordConfirm')}
      />
    </AuthForm>
  );
}
