/**
 * The broker's `reason` (or `error`) from an error body, as one line; '' when none.
 *
 * RabbitMQ writes some reasons over several lines, with Erlang terms in them: a parameter the
 * shovel plugin refuses answers `"Validation failed\n\nack-mode should be one of
 * [<<\"no-ack\">>, ...], actually was <<\"bogus\">>\n"` (4.3.6), HTML-escaped on 3.10.8
 * (`&lt;&lt;\"no-ack\"&gt;&gt;`). A diagnostic is one line (`file:line:column: ...`), so
 * paragraphs are joined with ": ", wrapped lines with a space, escapes undone and Erlang
 * binaries shown as their text.
 */
export function brokerReason(text: string): string {
  if (text === '') return '';
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null) {
      const rec = json as Record<string, unknown>;
      const reason = rec['reason'] ?? rec['error'];
      if (typeof reason === 'string') return oneLine(reason);
      if (reason !== undefined) return JSON.stringify(reason);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

const ENTITIES: Readonly<Record<string, string>> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

function oneLine(reason: string): string {
  return reason
    .replace(/&(?:lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e] ?? e)
    .replace(/<<"((?:[^"\\]|\\.)*)">>/g, '$1')
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.trim().replace(/\s*\n\s*/g, ' '))
    .filter((p) => p !== '')
    .join(': ');
}
