import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchTool, offeredTools, scriptedTurn } from '../src/script.mjs';
import { post, readEvents, start } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof start>>} */
let up;
before(async () => {
  up = await start();
});
after(() => up.close());

const CHAT = () => `${up.url}/v1/chat/completions`;
const RESPONSES = () => `${up.url}/v1/responses`;
const chatTool = (name, properties = { file_path: { type: 'string' }, content: { type: 'string' } }) =>
  ({ type: 'function', function: { name, parameters: { type: 'object', properties } } });
const WRITE_SCRIPT = '[[call write {"file_path":"hello.txt","content":"hi"}]]';

test('the scripted model calls the offered tool the script names, renamed or not, with the script arguments', async () => {
  const res = await post(CHAT(), {
    model: 'dev-echo',
    messages: [{ role: 'user', content: `Please save it. ${WRITE_SCRIPT}` }],
    tools: [chatTool('client_Read'), chatTool('client_Write')],
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.choices[0].finish_reason, 'tool_calls');
  assert.equal(body.choices[0].message.content, null);
  const [call] = body.choices[0].message.tool_calls;
  assert.equal(call.type, 'function');
  assert.match(call.id, /^call-/);
  assert.equal(call.function.name, 'client_Write');
  assert.deepEqual(JSON.parse(call.function.arguments), { file_path: 'hello.txt', content: 'hi' });
});

test('a streamed scripted call opens with the tool name and sends its arguments in fragments, then usage and [DONE]', async () => {
  const res = await post(CHAT(), {
    model: 'dev-echo', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: WRITE_SCRIPT }],
    tools: [chatTool('Write')],
  });
  const { events } = await readEvents(res);
  assert.equal(events.at(-1).json, '[DONE]');
  const chunks = events.slice(0, -1).map((e) => e.json);
  const deltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
  assert.equal(deltas[0].function.name, 'Write');
  assert.equal(deltas[0].function.arguments, '');
  assert.ok(deltas.length >= 3, 'arguments arrive in more than one fragment');
  assert.deepEqual(JSON.parse(deltas.map((d) => d.function.arguments).join('')), { file_path: 'hello.txt', content: 'hi' });
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'tool_calls');
  assert.deepEqual(chunks.at(-1).choices, []);
  assert.ok(chunks.at(-1).usage.completion_tokens > 0);
});

test('given the tool result as the newest message, the scripted model answers with text quoting it', async () => {
  const res = await post(CHAT(), {
    model: 'dev-echo', stream: true,
    messages: [
      { role: 'user', content: WRITE_SCRIPT },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Write', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'File created successfully at: hello.txt' },
    ],
    tools: [chatTool('Write')],
  });
  const { events } = await readEvents(res);
  const text = events.filter((e) => e.json !== '[DONE]').map((e) => e.json.choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, 'The tool answered: File created successfully at: hello.txt');
});

test('a Responses request gets a function_call item, streamed with its argument events', async () => {
  const json = await (await post(RESPONSES(), {
    model: 'dev-echo', input: [{ role: 'user', content: '[[call shell {"command":["ls"]}]]' }],
    tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array' } } } }],
  })).json();
  assert.equal(json.output[0].type, 'function_call');
  assert.equal(json.output[0].name, 'shell');
  assert.equal(json.output[0].arguments, '{"command":["ls"]}');

  const res = await post(RESPONSES(), {
    model: 'dev-echo', stream: true, input: '[[call shell {"command":["ls"]}]]',
    tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }],
  });
  const { events } = await readEvents(res);
  const types = events.map((e) => e.name);
  assert.deepEqual(types.filter((t) => !t.endsWith('.delta')), [
    'response.created', 'response.in_progress', 'response.output_item.added',
    'response.function_call_arguments.done', 'response.output_item.done', 'response.completed',
  ]);
  const deltas = events.filter((e) => e.name === 'response.function_call_arguments.delta').map((e) => e.json.delta).join('');
  assert.equal(deltas, '{"command":["ls"]}');
  assert.equal(events.at(-1).json.response.output[0].call_id, events[2].json.item.call_id);
});

test('a custom tool gets its raw input, and a converted one (a function taking input) gets it wrapped', async () => {
  const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch';
  const script = `[[call apply_patch ${JSON.stringify(patch)}]]`;
  const custom = await (await post(RESPONSES(), {
    model: 'dev-echo', input: script, tools: [{ type: 'custom', name: 'apply_patch', description: 'patch' }],
  })).json();
  assert.deepEqual({ type: custom.output[0].type, name: custom.output[0].name, input: custom.output[0].input }, { type: 'custom_tool_call', name: 'apply_patch', input: patch });

  const converted = await (await post(CHAT(), {
    model: 'dev-echo', messages: [{ role: 'user', content: script }], tools: [chatTool('client_apply_patch', { input: { type: 'string' } })],
  })).json();
  assert.deepEqual(JSON.parse(converted.choices[0].message.tool_calls[0].function.arguments), { input: patch });
});

test('a Responses call of a tool offered inside a namespace names the namespace and the tool, as Codex calls its MCP tools', async () => {
  const tools = [{ type: 'namespace', name: 'mcp__openclaw', tools: [{ type: 'function', name: 'ask_agent', parameters: { type: 'object' } }] }];
  const json = await (await post(RESPONSES(), { model: 'dev-echo', input: '[[call ask_agent {"prompt":"hi"}]]', tools })).json();
  assert.deepEqual([json.output[0].type, json.output[0].namespace, json.output[0].name], ['function_call', 'mcp__openclaw', 'ask_agent']);
  const { events } = await readEvents(await post(RESPONSES(), { model: 'dev-echo', stream: true, input: '[[call ask_agent {}]]', tools }));
  const done = events.find((e) => e.name === 'response.output_item.done').json.item;
  assert.deepEqual([done.namespace, done.name], ['mcp__openclaw', 'ask_agent']);
});

test('a Responses function_call_output as the newest item is quoted back', async () => {
  const json = await (await post(RESPONSES(), {
    model: 'dev-echo',
    input: [
      { role: 'user', content: '[[call shell {}]]' },
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'hello.txt' },
    ],
    tools: [{ type: 'function', name: 'shell' }],
  })).json();
  assert.equal(json.output_text, 'The tool answered: hello.txt');
});

test('a script no offered tool matches is answered in words that list the offered tools', async () => {
  const json = await (await post(CHAT(), { model: 'dev-echo', messages: [{ role: 'user', content: '[[call write {}]]' }], tools: [chatTool('Read')] })).json();
  assert.equal(json.choices[0].message.content, "No offered tool matches 'write'. Offered: Read.");
});

test('names match whole, or as the tail after a layer\'s prefix or namespace, ignoring case', () => {
  const tools = offeredTools([chatTool('write_file'), chatTool('fs__Write'), { type: 'namespace', name: 'mcp', tools: [{ type: 'function', name: 'shell' }] }]);
  assert.equal(matchTool('write', tools)?.name, 'fs__Write');
  assert.equal(matchTool('shell', tools)?.name, 'mcp__shell');
  assert.equal(matchTool('edit|write_file', tools)?.name, 'write_file');
  assert.equal(matchTool('read', tools), null);
});

test('behind OpenClaw, only the current message counts: its rendered tool result is quoted and the earlier script is not run again', () => {
  const prompt = [
    '[Chat messages since your last reply - for context]',
    `User: ${WRITE_SCRIPT}`,
    'Assistant: tool_call id=call_1 name=client_Write arguments={}',
    '',
    '[Current message - respond to this]',
    'Tool:call_1: Wrote hello.txt',
    '',
    'Runtime: a note OpenClaw adds',
  ].join('\n');
  const tools = offeredTools([chatTool('client_Write')]);
  assert.deepEqual(scriptedTurn({ currentText: prompt, toolResult: null, tools }), { kind: 'text', text: 'The tool answered: Wrote hello.txt' });
  const later = prompt.replace('Tool:call_1: Wrote hello.txt', 'User: thanks!');
  assert.equal(scriptedTurn({ currentText: later, toolResult: null, tools }), null);
});

test('without a script the simulator answers as before', async () => {
  const json = await (await post(CHAT(), { model: 'dev-echo', messages: [{ role: 'user', content: 'hello there' }], tools: [chatTool('Write')] })).json();
  assert.equal(json.choices[0].message.content, 'Echo: hello there');
});
