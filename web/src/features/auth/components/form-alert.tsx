/**
 * Form-level message region. Always rendered so screen readers register the live region before text
 * appears in it; `role="alert"` makes the message interrupt, which suits a failed submit.
 */
export function FormAlert({ message }: { message: string | null }) {
  return (
    <div
      className={message ? 'form-alert' : 'form-alert form-alert--empty'}
      role="alert"
      aria-live="assertive"
    >
      {message}
    </div>
  );
}
