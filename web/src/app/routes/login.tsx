import { AuthPage } from '../../features/auth/components/auth-page';
import { LoginForm } from '../../features/auth/components/login-form';

export function LoginRoute() {
  return <AuthPage page="login" form={LoginForm} />;
}
