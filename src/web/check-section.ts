// The page's self-check section: every kernel family against float64 CPU arithmetic on the
// browser's adapter — the checks of `ncl selfcheck` (src/check/selfcheck.ts), worded as it words
// them — as a table that fills as they finish, and a summary naming the failures.
import { checkOutcome, failedChecks, runSelfcheck, type CheckResult } from '../check/selfcheck.ts';
import { element, textElement } from './dom.ts';

function addRow(body: HTMLTableSectionElement, r: CheckResult): void {
  const row = body.insertRow();
  row.className = r.ok ? 'ok' : 'failed';
  for (const text of [r.ok ? 'ok' : 'FAIL', r.family, r.check, checkOutcome(r), r.ms.toFixed(0)]) row.append(textElement('td', text));
}

async function runChecks(button: HTMLButtonElement): Promise<void> {
  const status = element('check-status');
  const table = element<HTMLTableElement>('check-results');
  const body = table.tBodies[0]!;
  body.replaceChildren();
  table.hidden = false;
  button.disabled = true;
  status.textContent = 'Running the self-check…';
  const start = performance.now();
  try {
    const results = await runSelfcheck((r) => {
      addRow(body, r);
      status.textContent = `Running the self-check… ${body.rows.length} checks done`;
    });
    const failed = failedChecks(results);
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    status.textContent = failed.length ? `${results.filter((r) => !r.ok).length} of ${results.length} checks failed: ${failed.join('; ')}` : `All ${results.length} checks passed in ${seconds} s.`;
    status.className = failed.length ? 'problem' : '';
  } catch (e) {
    status.textContent = `The self-check stopped: ${(e as Error).message}`;
    status.className = 'problem';
  } finally {
    button.disabled = false;
  }
}

/** Offers the self-check once the page has a device; `?run=selfcheck` in the URL starts it at once
 *  (a link that checks a machine in one step). */
export function enableSelfcheck(): void {
  const button = element<HTMLButtonElement>('check-run');
  button.disabled = false;
  button.addEventListener('click', () => void runChecks(button));
  if (new URLSearchParams(location.search).get('run') === 'selfcheck') void runChecks(button);
}
