import { AuthPage } from '../../features/auth/components/auth-page';
import { RegisterForm } from '../../features/auth/components/register-form';

export function RegisterRoute() {
  return <AuthPage page="register" form={RegisterForm} />;
}
