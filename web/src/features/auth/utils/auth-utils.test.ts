import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api';
import { createTranslator } from '../../../lib/i18n';
import { describeAuthError } from './auth-errors';
import { loginPathFor, safeRedirectPath } from './redirect';
import { validateLogin, validateRegister } from './validation';

const ko = createTranslator('ko');
const en = createTranslator('en');
const messages = (errors: Record<string, ((t: typeof en) => string) | undefined>) =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, message?.(en)]));

describe('client-side validation mirrors the server limits', () => {
  it('accepts valid input', () => {
    expect(validateLogin({ email: 'kim@example.com', password: 'x' })).toEqual({});
    expect(
      validateRegister({
        name: 'Kim',
        email: 'kim@example.com',
        password: 'password1',
        passwordConfirm: 'password1',
      }),
    ).toEqual({});
  });

  it('reports required fields first', () => {
    expect(messages(validateLogin({ email: '', password: '' }))).toEqual({
      email: 'This field is required.',
      password: 'This field is required.',
    });
    expect(messages(validateRegister({ name: '   ', email: '', password: '', passwordConfirm: '' }))).toEqual(
      {
        name: 'This field is required.',
        email: 'This field is required.',
        password: 'This field is required.',
        passwordConfirm: 'This field is required.',
      },
    );
  });

  it('uses LIMITS: password 8 characters..72 bytes, name ≤ 100, email format and ≤ 254', () => {
    const errors = validateRegister({
      name: 'n'.repeat(101),
      email: 'not-an-email',
      password: 'short',
      passwordConfirm: 'other',
    });
    expect(messages(errors)).toEqual({
      name: 'Enter at most 100 characters.',
      email: 'Enter a valid email address.',
      password: 'Enter at least 8 characters.',
      passwordConfirm: 'Passwords do not match.',
    });
    expect(
      validateRegister({
        name: 'a',
        email: 'a@b.co',
        password: 'p'.repeat(73),
        passwordConfirm: 'p'.repeat(73),
      }).password?.(ko),
    ).toBe('72자 이하로 입력해 주세요.');
    expect(validateLogin({ email: `${'a'.repeat(250)}@b.co`, password: 'x' }).email).toBeDefined();
  });
});

describe('server errors per code', () => {
  const fields = ['name', 'email', 'password', 'passwordConfirm'] as const;

  it('EMAIL_TAKEN marks the email field', () => {
    const view = describeAuthError(
      new ApiError({ status: 409, code: 'EMAIL_TAKEN', message: 'taken' }),
      fields,
    );
    expect(view.form(ko)).toBe('이미 가입된 이메일입니다.');
    expect(view.fields.email?.(ko)).toBe('이미 가입된 이메일입니다.');
  });

  it('INVALID_CREDENTIALS is a form error', () => {
    const view = describeAuthError(
      new ApiError({ status: 401, code: 'INVALID_CREDENTIALS', message: 'x' }),
      fields,
    );
    expect(view.form(en)).toBe('Incorrect email or password.');
    expect(view.fields).toEqual({});
  });

  it('ACCOUNT_LOCKED shows the minutes from Retry-After, rounded up', () => {
    const locked = new ApiError({
      status: 429,
      code: 'ACCOUNT_LOCKED',
      message: 'x',
      retryAfterSeconds: 841,
    });
    expect(describeAuthError(locked, fields).form(ko)).toContain('15분 후에');
    const unknown = new ApiError({ status: 429, code: 'ACCOUNT_LOCKED', message: 'x' });
    expect(describeAuthError(unknown, fields).form(en)).toContain('Try again later');
  });

  it('VALIDATION_FAILED maps server field errors onto the form', () => {
    const error = new ApiError({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'x',
      details: [
        { path: ['password'], message: 'Too small' },
        { path: ['unknown'], message: '?' },
      ],
    });
    const view = describeAuthError(error, fields);
    expect(Object.keys(view.fields)).toEqual(['password']);
    expect(view.form(en)).toBe('Please fix the highlighted fields.');
  });

  it('anything else gets a generic message', () => {
    const view = describeAuthError(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'x' }), fields);
    expect(view.form(en)).toBe('Cannot reach the server. Check your network connection.');
  });
});

describe('redirect after sign-in', () => {
  it('allows same-origin paths only', () => {
    expect(safeRedirectPath('/events/123?x=1')).toBe('/events/123?x=1');
    for (const bad of [
      null,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '/\t/evil',
      'events',
    ]) {
      expect(safeRedirectPath(bad)).toBe('/');
    }
  });

  it('never returns to the auth pages', () => {
    expect(safeRedirectPath('/login?next=/x')).toBe('/');
    expect(safeRedirectPath('/register')).toBe('/');
  });

  it('builds login links that come back here', () => {
    expect(loginPathFor('/events/abc?tab=1')).toBe('/login?next=%2Fevents%2Fabc%3Ftab%3D1');
    expect(loginPathFor('/')).toBe('/login');
    expect(loginPathFor('/login?next=%2Fx')).toBe('/login');
    expect(loginPathFor('/events', '/register')).toBe('/register?next=%2Fevents');
  });
});
