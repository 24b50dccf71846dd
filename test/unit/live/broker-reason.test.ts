import { describe, expect, it } from 'vitest';
import { brokerReason } from '../../../src/live/broker-reason.js';

describe('brokerReason', () => {
  it('puts a multi-line reason on one line, as each version words it', () => {
    // Measured: a shovel with ack-mode "bogus", PUT on 4.3.6 and on 3.10.8 (HTML-escaped).
    const on43 = '{"error":"bad_request","reason":"Validation failed\\n\\nack-mode should be one of [<<\\"no-ack\\">>,<<\\"on-publish\\">>,<<\\"on-confirm\\">>], actually was <<\\"bogus\\">>\\n"}';
    const on310 =
      '{"error":"bad_request","reason":"Validation failed\\n\\nack-mode should be one of [&lt;&lt;\\"no-ack\\"&gt;&gt;,&lt;&lt;\\"on-publish\\"&gt;&gt;,&lt;&lt;\\"on-confirm\\"&gt;&gt;], actually was &lt;&lt;\\"bogus\\"&gt;&gt;\\n"}';
    const want = 'Validation failed: ack-mode should be one of [no-ack,on-publish,on-confirm], actually was bogus';
    expect(brokerReason(on43)).toBe(want);
    expect(brokerReason(on310)).toBe(want);
  });

  it('joins the wrapped lines of an Erlang term with spaces', () => {
    const body = JSON.stringify({ error: 'bad_request', reason: '{resources_missing,\n    [{not_found,{resource,<<"v">>,exchange,<<"audit">>}}]}' });
    expect(brokerReason(body)).toBe('{resources_missing, [{not_found,{resource,v,exchange,audit}}]}');
  });

  it('keeps a one-line reason, a term that is no string, and a body that is no JSON', () => {
    expect(brokerReason('{"error":"Object Not Found","reason":"Not Found"}')).toBe('Not Found');
    expect(brokerReason('{"error":"bad_request","reason":["a",1]}')).toBe('["a",1]');
    expect(brokerReason('plain text')).toBe('plain text');
    expect(brokerReason('')).toBe('');
  });
});
