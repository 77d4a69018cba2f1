// Small DOM helpers of the page.

/** The page's element with this id (index.html has every id the scripts use). */
export const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A new element with its text. */
export function textElement<K extends keyof HTMLElementTagNameMap>(tag: K, text: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
}
