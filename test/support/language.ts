// Test support: run a piece of a test with the helpers speaking another language, then back to English.
import { currentLanguage, useLanguage, type Language } from "ae-shared";

/** Runs `body` with `language` chosen, and restores the language before, even when `body` throws. */
export async function inLanguage<T>(language: Language, body: () => T | Promise<T>): Promise<T> {
  const before = currentLanguage();
  useLanguage(language);
  try {
    return await body();
  } finally {
    useLanguage(before);
  }
}
