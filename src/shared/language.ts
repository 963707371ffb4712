// The language of what a student reads in a lesson's outputs: grid captions, chart titles, legends and axes,
// progress lines, the interrupt note and error messages. English unless the lesson chooses, once, in its
// first cell:
//   useLanguage("zh");
// Each message is written out in every language where it is used, `localize({ en: "...", zh: "..." })`, so
// the compiler sees a missing translation and the wording stays beside the check that needs it.

/** The languages the helpers speak: English (the default) and Simplified Chinese, the lessons' language. */
export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];

/** One text in every language. */
export type Localized = { readonly [L in Language]: string };

let current: Language = "en";

/** Chooses the language of the helpers' text for the rest of this kernel (or process). */
export function useLanguage(language: Language): void {
  if (!(LANGUAGES as readonly unknown[]).includes(language)) {
    // Not localized itself: no language is chosen yet that this message could be in.
    const found = typeof language === "string" ? JSON.stringify(language) : String(language);
    throw new RangeError(
      `useLanguage: language must be one of ${LANGUAGES.map((l) => `"${l}"`).join(", ")}, found ${found}`,
    );
  }
  current = language;
}

/** The language chosen with useLanguage, "en" until then. */
export function currentLanguage(): Language {
  return current;
}

/** The text in the language in use. */
export function localize(text: Localized): string {
  return text[current];
}
