import type { ComponentProps } from 'react';
import { FormField } from '../../../components/ui/form-field';
import { useI18n } from '../../../lib/i18n';
import { inputLimits } from '../utils/validation';

/** The email input both sign-in forms share; pass the field binding (`{...form.bind('email')}`). */
export function EmailField(props: Omit<ComponentProps<typeof FormField>, 'label'>) {
  const { t } = useI18n();
  return (
    <FormField
      label={t('auth.email')}
      type="email"
      autoComplete="email"
      inputMode="email"
      required
      {...inputLimits.email}
      {...props}
    />
  );
}
