// Small helpers of the page: its elements, status lines and the site's files.

/** The page's element with this id (index.html has every id the scripts use). */
export const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A new element with its text. */
export function textElement<K extends keyof HTMLElementTagNameMap>(tag: K, text: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
}

/** Sets a status line's text, marked as a problem or not. */
export function setStatus(id: string, text: string, problem = false): void {
  const status = element(id);
  status.textContent = text;
  status.className = problem ? 'problem' : '';
}

/** A file of the site (or any URL); a failed request is an error naming it. */
export async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`cannot load ${url}: ${(e as Error).message}`);
  }
  if (!response.ok) throw new Error(`cannot load ${url}: ${response.status} ${response.statusText}`.trim());
  return response;
}
