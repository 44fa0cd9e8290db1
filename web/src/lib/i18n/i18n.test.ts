import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../test-utils/memory-storage';
import { en } from './en';
import { ko } from './ko';
import {
  createTranslator,
  interpolate,
  LOCALE_STORAGE_KEY,
  placeholdersOf,
  readStoredLocale,
} from './translate';

describe('i18n dictionaries', () => {
  it('en has exactly the keys of ko', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ko).sort());
  });

  it('every translation uses the same placeholders as Korean', () => {
    for (const key of Object.keys(ko) as (keyof typeof ko)[]) {
      expect({ key, placeholders: placeholdersOf(en[key]) }).toEqual({
        key,
        placeholders: placeholdersOf(ko[key]),
      });
    }
  });

  it('no message is empty', () => {
    for (const dictionary of [ko, en]) {
      for (const [key, value] of Object.entries(dictionary))
        expect({ key, empty: value.trim() === '' }).toEqual({ key, empty: false });
    }
  });
});

describe('translate', () => {
  it('interpolates typed parameters', () => {
    expect(createTranslator('ko')('common.pageOf', { page: 2, total: 5 })).toBe('2 / 5 페이지');
    expect(createTranslator('en')('common.pageOf', { page: 2, total: 5 })).toBe('Page 2 of 5');
    expect(createTranslator('ko')('events.empty')).toBe('검색 결과가 없습니다');
  });

  it('leaves unknown placeholders visible', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('defaults to Korean and persists the choice', () => {
    expect(readStoredLocale(memoryStorage())).toBe('ko');
    expect(readStoredLocale(memoryStorage({ [LOCALE_STORAGE_KEY]: 'en' }))).toBe('en');
    expect(readStoredLocale(memoryStorage({ [LOCALE_STORAGE_KEY]: 'fr' }))).toBe('ko');
    expect(readStoredLocale(undefined)).toBe('ko');
  });
});
