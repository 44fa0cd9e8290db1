import { FormField } from '../../../components/ui/form-field';
import { useI18n } from '../../../lib/i18n';
import { useLogin } from '../api/login';
import { useAuthForm } from '../hooks/use-auth-form';
import { inputLimits, type LoginField, validateLogin } from '../utils/validation';
import { AuthForm } from './auth-form';
import { EmailField } from './email-field';

const FIELDS: readonly LoginField[] = ['email', 'password'];

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useI18n();
  const login = useLogin();
  const form = useAuthForm({
    fields: FIELDS,
    validate: validateLogin,
    toBody: (values) => ({ email: values.email.trim(), password: values.password }),
    mutation: login,
    onSuccess,
  });

  return (
    <AuthForm form={form} submitLabel={t('auth.login.submit')} pendingLabel={t('auth.login.pending')}>
      <EmailField {...form.bind('email')} />
      <FormField
        label={t('auth.password')}
        type="password"
        autoComplete="current-password"
        required
        {...inputLimits.loginPassword}
        {...form.bind('password')}
      />
    </AuthForm>
  );
}
