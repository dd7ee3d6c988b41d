/**
 * Escaping manifest text for Helm's Go templates.
 *
 * Each maximal run of braces that contains `{{` or `}}` becomes one action printing the run as a
 * raw string: `{{` + '`' + run + '`' + `}}`. Taking the whole run (not just each `{{`/`}}`) matters:
 * replacing only `}}` in `{}}` (common in JSON inside strings) leaves a `{` right before the
 * inserted `{{`, and Go's lexer then opens the action one character early and fails. A run of
 * braces never contains a backtick, so the raw string is always closed where intended, and the
 * text left unescaped between runs never contains `{{`.
 */

// Maximal brace runs, found in linear time; `[{}]*(?:\{\{|\}\})[{}]*` backtracked quadratically on a long run without `{{`/`}}`.
const RUN = /[{}]+/g;

/**
 * Escapes every `{{` and `}}` of `text` so that Helm renders `text` back verbatim.
 *
 * @param text manifest text (not containing our own value placeholders)
 */
export function escapeTemplateText(text: string): string {
  // most manifests have neither: two substring searches cost far less than the regex's callbacks
  if (!text.includes('{{') && !text.includes('}}')) return text;
  return text.replace(RUN, run => (run.includes('{{') || run.includes('}}') ? '{{`' + run + '`}}' : run));
}
