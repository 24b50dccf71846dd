/** Words for values and places in the document, shared by every message of spec/. */

/** `the string "1000"`, `the number 3.5`, `a list`, ... */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(truncate(value))}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

export function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** A quoted name for messages: `"hipri"`. */
export function q(name: string): string {
  return JSON.stringify(truncate(name, 100));
}

/**
 * The resource or part of the document that pointer segments name, e.g.
 * `queue "hipri" (vhost "/")`; undefined when they name a plain field.
 */
export function describeSegments(segments: readonly string[], root: unknown, format: 'native' | 'definitions'): string | undefined {
  if (segments.length === 0) return 'the document';
  return format === 'native' ? describeNative(segments) : describeDefinitions(segments, root);
}

function describeNative(s: readonly string[]): string | undefined {
  const [top, vhost, section, name, sub, index] = s;
  if (top !== 'vhosts') return undefined;
  if (vhost === undefined) return '`vhosts`';
  const inVhost = `(vhost ${q(vhost)})`;
  if (section === undefined) return `vhost ${q(vhost)}`;
  if (name === undefined) return `\`${section}\` of vhost ${q(vhost)}`;
  const what = section === 'exchanges' ? 'exchange' : section === 'queues' ? 'queue' : undefined;
  if (section === 'bindings') {
    if (sub === undefined) return `binding #${Number(name) + 1} ${inVhost}`;
    if (sub === 'arguments' && s.length === 5) return `the arguments of binding #${Number(name) + 1} ${inVhost}`;
    return undefined;
  }
  if (what === undefined) return undefined;
  if (sub === undefined) return `${what} ${q(name)} ${inVhost}`;
  if (sub === 'arguments' && index === undefined) return `the arguments of ${what} ${q(name)} ${inVhost}`;
  if (sub === 'bind') {
    if (index === undefined) return `\`bind\` of queue ${q(name)} ${inVhost}`;
    if (s.length === 6) return `binding #${Number(index) + 1} of queue ${q(name)} ${inVhost}`;
    if (s.length === 7 && s[6] === 'arguments') return `the arguments of binding #${Number(index) + 1} of queue ${q(name)} ${inVhost}`;
  }
  return undefined;
}

const DEFINITION_KINDS: Readonly<Record<string, string>> = { vhosts: 'vhost', exchanges: 'exchange', queues: 'queue', bindings: 'binding' };

function describeDefinitions(s: readonly string[], root: unknown): string | undefined {
  const [section, index, sub] = s;
  if (section === undefined) return undefined;
  const kind = DEFINITION_KINDS[section];
  if (kind === undefined) return undefined;
  if (index === undefined) return `\`${section}\``;
  const entry = itemOf(root, section, index);
  const name = kind === 'binding' ? undefined : entry?.['name'];
  const label = typeof name === 'string' ? `${kind} ${q(name)}` : `${kind} #${Number(index) + 1}`;
  const vhost = entry?.['vhost'];
  const full = typeof vhost === 'string' && kind !== 'vhost' ? `${label} (vhost ${q(vhost)})` : label;
  if (sub === undefined) return full;
  if (sub === 'arguments' && s.length === 3) return `the arguments of ${full}`;
  return undefined;
}

function itemOf(root: unknown, section: string, index: string): Record<string, unknown> | undefined {
  if (!isRecord(root)) return undefined;
  const list = root[section];
  if (!Array.isArray(list)) return undefined;
  const item: unknown = list[Number(index)];
  return isRecord(item) ? item : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** How to name the field at `segments`: the thing itself, or `` `durable` of queue "x" ``. */
export function describeField(segments: readonly string[], root: unknown, format: 'native' | 'definitions'): string {
  const own = describeSegments(segments, root, format);
  if (own !== undefined) return own;
  const last = segments[segments.length - 1] ?? '';
  const parent = segments.slice(0, -1);
  if (parent[parent.length - 1] === 'arguments' && parent.length > 1) {
    return `argument \`${last}\` of ${describeField(parent.slice(0, -1), root, format)}`;
  }
  const owner = parent.length === 0 ? undefined : describeField(parent, root, format);
  return owner === undefined ? `\`${last}\`` : `\`${last}\` of ${owner}`;
}
