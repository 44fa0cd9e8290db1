import { useCallback, useRef, useState } from 'react';
import type { FieldErrors, Message } from '../utils/validation';

/**
 * Error state for a small form: field errors (client or server), one form-level summary, and focusing the
 * first invalid input after a failed submit. Validation re-runs on change once the user has submitted.
 */
export function useFormErrors<F extends string>(fieldOrder: readonly F[]) {
  const [fields, setFields] = useState<FieldErrors<F>>({});
  const [formMessage, setFormMessage] = useState<{ message: Message } | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const setForm = useCallback((message: Message | null) => {
    setFormMessage(message ? { message } : null);
  }, []);

  const focusFirstInvalid = useCallback(
    (errors: FieldErrors<F>) => {
      const first = fieldOrder.find((field) => errors[field]);
      if (!first) return;
      // Inputs carry `name` = field; wait one frame for aria-invalid to render.
      requestAnimationFrame(() => {
        formRef.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      });
    },
    [fieldOrder],
  );

  return {
    fields,
    setFields,
    form: formMessage?.message ?? null,
    setForm,
    submitted,
    setSubmitted,
    formRef,
    focusFirstInvalid,
  };
}
