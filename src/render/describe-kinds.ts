/**
 * The fields worth showing for a resource of the kinds beside the AMQP
 * topology when it is created, shared by the text and Markdown renderers.
 * Secrets are `Sensitive` in the plan and show as their display form.
 */
import { passwordDisplay } from '../diff/compare.js';
import type { Resource } from '../model/types.js';

type OtherResource = Exclude<Resource, { kind: 'vhost' | 'exchange' | 'queue' | 'binding' }>;

export function describeOther(r: OtherResource): string[] {
  const show = (v: unknown): string => JSON.stringify(v);
  switch (r.kind) {
    case 'user':
      return [...(r.tags.length ? [`tags: ${show(r.tags)}`] : []), `password: ${show(passwordDisplay(r.password))}`];
    case 'permission':
      return [`configure: ${show(r.configure)}`, `write: ${show(r.write)}`, `read: ${show(r.read)}`];
    case 'topic_permission':
      return [`exchange: ${show(r.exchange)}`, `write: ${show(r.write)}`, `read: ${show(r.read)}`];
    case 'vhost_limit':
    case 'user_limit':
      return [`value: ${r.value}`];
    case 'policy':
    case 'operator_policy':
      return [`pattern: ${show(r.pattern)}`, `apply-to: ${r.apply_to}`, `priority: ${r.priority}`, `definition: ${show(r.definition)}`];
    case 'parameter':
    case 'global_parameter':
      return [`value: ${show(r.value)}`];
  }
}
