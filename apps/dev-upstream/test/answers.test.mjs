import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerFor, phraseOf } from '../src/answers.mjs';
import { planChunks } from '../src/stream.mjs';
import { promptTokens, textTokens } from '../src/tokens.mjs';

test('a plain prompt is echoed back after "Echo: "', () => {
  assert.equal(answerFor('hello there'), 'Echo: hello there');
});

test('the echo is limited to the first 200 characters of the prompt', () => {
  const long = 'x'.repeat(500);
  assert.equal(answerFor(long), `Echo: ${'x'.repeat(200)}`);
});

test('the echo never splits an emoji in half', () => {
  const prompt = '😀'.repeat(300);
  assert.equal(answerFor(prompt), `Echo: ${'😀'.repeat(200)}`);
});

test('a prompt mentioning business or workflow gets a 5-step numbered workflow quoting the prompt', () => {
  for (const prompt of ['Improve my BUSINESS invoicing please', 'design a Workflow for hiring']) {
    const answer = answerFor(prompt);
    const steps = answer.split('\n').filter((l) => /^\d\. /.test(l));
    assert.deepEqual(steps.map((l) => l[0]), ['1', '2', '3', '4', '5']);
    assert.ok(answer.includes(phraseOf(prompt)), answer);
  }
});

test('the same prompt always gives the same answer', () => {
  assert.equal(answerFor('business plan for a bakery'), answerFor('business plan for a bakery'));
  assert.equal(answerFor('abc'), answerFor('abc'));
});

test('prompt tokens are ceil(chars / 4) plus 3 per message', () => {
  const messages = [
    { role: 'system', content: 'abcde' }, // 5
    { role: 'user', content: [{ type: 'text', text: 'abc' }] }, // 3
  ];
  assert.equal(promptTokens(messages), Math.ceil(8 / 4) + 6);
  assert.equal(textTokens('abcdefghi'), 3);
});

test('chunk planning keeps the text intact and gives exactly the requested number of chunks', () => {
  const text = 'one two three four five';
  assert.equal(planChunks(text, null).join(''), text);
  assert.equal(planChunks(text, 2).length, 2);
  assert.equal(planChunks(text, 2).join(''), text);
  const many = planChunks('Echo: hi', 5);
  assert.equal(many.length, 5);
  assert.equal(many.join(''), 'Echo: hi Echo: hi Echo:');
});

test('answers the first paragraph of the message, before the notes an agent framework appends', () => {
  const message = '[Tue 2026-11-24 09:37 UTC] ping through openclaw\n\nRuntime: agent=main | session=agent:main:openai-user:probe';
  assert.equal(answerFor(message), 'Echo: [Tue 2026-11-24 09:37 UTC] ping through openclaw');
  assert.equal(answerFor('one paragraph only'), 'Echo: one paragraph only');
});
