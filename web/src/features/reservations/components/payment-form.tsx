import { type FormEvent, useState } from 'react';
import { FormField } from '../../../components/ui/form-field';
import { isApiError } from '../../../lib/api';
import { errorMessage } from '../../../lib/error-message';
import { formatPrice } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { isOutcomeUnknown } from '../../../lib/idempotency';
import { UnsupportedProviderError } from '../api/pay';
import {
  type CardProblem,
  cardProblem,
  formatCardNumber,
  TEST_CARDS,
  type TestCard,
} from '../utils/payment-key';

const CARD_LABELS = {
  approve: 'payment.card.approve',
  decline: 'payment.card.decline',
  timeout: 'payment.card.timeout',
  approveAfterDelay: 'payment.card.approveAfterDelay',
} as const satisfies Record<TestCard, string>;

const PROBLEM_KEYS = {
  required: 'payment.cardRequired',
  length: 'payment.cardLength',
  checksum: 'payment.cardChecksum',
} as const satisfies Record<CardProblem, string>;

interface PaymentFormProps {
  amount: number;
  currency: string;
  pending: boolean;
  error: unknown;
  onPay: (card: string) => void;
}

/**
 * The sandbox payment form: a card number (checked locally: length and Luhn) with the documented test cards
 * as quick-fill buttons. The card only ever leaves the page inside the sandbox paymentKey.
 */
export function PaymentForm({ amount, currency, pending, error, onPay }: PaymentFormProps) {
  const { t, intlLocale } = useI18n();
  const [card, setCard] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = cardProblem(card);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (problem || pending) return;
    onPay(card);
  };

  return (
    <form className="form payment-form" onSubmit={submit} noValidate>
      <p className="notice small">{t('payment.sandboxNote')}</p>
      <FormField
        label={t('payment.cardNumber')}
        name="cardNumber"
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="0000 0000 0000 0000"
        value={formatCardNumber(card)}
        onChange={(e) => setCard(e.target.value)}
        onBlur={() => setTouched(card.length > 0)}
        error={touched && problem ? t(PROBLEM_KEYS[problem]) : undefined}
      />
      <fieldset className="test-cards">
        <legend className="field__label">{t('payment.testCards')}</legend>
        <div className="test-cards__buttons">
          {TEST_CARDS.map((testCard) => (
            <button
              key={testCard.id}
              type="button"
              className="button button--secondary button--small"
              onClick={() => {
                setCard(testCard.number);
                setTouched(false);
              }}
              aria-label={t('payment.fillCard', {
                name: t(CARD_LABELS[testCard.id]),
                number: formatCardNumber(testCard.number),
              })}
            >
              {t(CARD_LABELS[testCard.id])}
            </button>
          ))}
        </div>
      </fieldset>
      <div role="alert">
        {error ? (
          <p className="form-alert">
            {error instanceof UnsupportedProviderError
              ? t('payment.unsupportedProvider')
              : errorMessage(error)(t)}
            {isApiError(error) && isOutcomeUnknown(error) ? ` ${t('payment.retryNote')}` : null}
          </p>
        ) : null}
      </div>
      <button
        type="submit"
        className="button button--primary button--block"
        disabled={pending}
        aria-busy={pending}
      >
        {pending
          ? t('payment.submitting')
          : t('payment.submit', { amount: formatPrice(amount, intlLocale, currency) })}
      </button>
    </form>
  );
}
