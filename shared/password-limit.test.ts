import { describe, expect, it } from 'vitest';
import { LIMITS } from './domain';
import { loginBodySchema, registerBodySchema } from './routes';

/** bcrypt reads 72 bytes: new passwords are capped in UTF-8 bytes, with a message that says so. */
describe('password byte cap', () => {
  const body = (password: string) => ({ email: 'kim@example.com', name: 'Kim', password });
  const bytes = (s: string) => new TextEncoder().encode(s).length;

  it('accepts exactly 72 bytes, ASCII and Korean alike', () => {
    // Prepare
    const ascii = 'a'.repeat(72);
    const korean = '가'.repeat(24);
    // Act / Assess
    expect(bytes(korean)).toBe(72);
    expect(registerBodySchema.safeParse(body(ascii)).success).toBe(true);
    expect(registerBodySchema.safeParse(body(korean)).success).toBe(true);
  });

  it('refuses 73 bytes: one ASCII character too many, or one Korean character in 25 (75 bytes)', () => {
    // Prepare
    const cases = ['a'.repeat(73), '가'.repeat(25), `${'a'.repeat(70)}가`];
    for (const password of cases) {
      // Act
      const result = registerBodySchema.safeParse(body(password));
      // Assess
      expect(result.success, `${password.length} characters, ${bytes(password)} bytes`).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/at most 72 bytes/);
    }
  });

  it('refuses a 72-character Korean password (216 bytes) although it is within 72 characters', () => {
    // Prepare
    const password = '비밀번호'.repeat(18);
    // Act
    const result = registerBodySchema.safeParse(body(password));
    // Assess
    expect(password.length).toBe(72);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join()).toMatch(/bytes/);
  });

  it('still lets existing accounts sign in with a longer password (bcrypt compares the first 72 bytes)', () => {
    // Prepare / Act
    const result = loginBodySchema.safeParse({ email: 'kim@example.com', password: 'a'.repeat(100) });
    // Assess
    expect(result.success).toBe(true);
    expect(LIMITS.loginPasswordMax).toBeGreaterThan(LIMITS.passwordMax);
  });
});
