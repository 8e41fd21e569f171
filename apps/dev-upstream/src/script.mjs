// @ts-check
/**
 * The scripted model: a way for a test to make the simulator call a tool the client offered,
 * then answer with text that quotes what the tool returned — a whole tool loop, through any
 * number of layers (the gateway, a real OpenClaw) that pass the user's words and the tools on.
 *
 * The script is in the user's words, since those reach the model through every layer:
 *   `[[call <pattern> <arguments>]]`
 * - `<pattern>`: tool names separated by `|` (e.g. `write|apply_patch|shell`). An offered tool
 *   matches when its name, ignoring case, is one of them or ends in `_<name>`, `__<name>` or
 *   `.<name>` — so a tool a layer renamed (`client_Write`) or namespaced (`fs__write`) still
 *   matches. The first offered tool that matches is called.
 * - `<arguments>`: the call's arguments as JSON (default `{}`). A JSON string is a raw input:
 *   a `custom` (freeform) tool gets it as its input, a function whose only property is
 *   `input` (how a custom tool looks once converted) gets `{"input": <string>}`.
 * Only the current message counts: OpenClaw sends earlier turns inside the current prompt
 * after "[Current message - respond to this]", and a script already carried out there must
 * not run again.
 *
 * Once the conversation's newest entry is a tool's result — a `role: "tool"` message, a
 * `function_call_output` / `custom_tool_call_output` item, or OpenClaw's rendering of one in
 * the prompt (`Tool:<call id>: <output>`) — the answer is the text
 * `The tool answered: <its first 200 characters>`.
 */

const DIRECTIVE = /\[\[call\s+([^\s\]]+)(?:\s+([\s\S]*?))?\]\](?!\])/;
const CURRENT_MESSAGE = '[Current message - respond to this]';
const OPENCLAW_TOOL_RESULT = /(?:^|\n)Tool:[^\s:]*: ?([\s\S]*)$/;

/**
 * @typedef {{ name: string, kind: 'function' | 'custom', onlyInput: boolean, namespace?: string, inner?: string }} OfferedTool
 *   (a tool offered inside a Responses `namespace` keeps the namespace and its own name: a
 *   call of it names both, as the Responses API does and Codex expects of its MCP tools)
 * @typedef {{ kind: 'call', tool: OfferedTool, arguments: string, input: string | null }
 *   | { kind: 'text', text: string }} ScriptedTurn
 */

/**
 * The tools a chat or Responses request offers, in order.
 * @param {unknown} tools
 * @returns {OfferedTool[]}
 */
export function offeredTools(tools) {
  /** @type {OfferedTool[]} */
  const out = [];
  for (const tool of Array.isArray(tools) ? tools : []) {
    if (!tool || typeof tool !== 'object') continue;
    const t = /** @type {any} */ (tool);
    if (t.type === 'function') {
      const fn = t.function && typeof t.function === 'object' ? t.function : t; // chat nests it, Responses does not
      if (typeof fn.name === 'string') out.push({ name: fn.name, kind: 'function', onlyInput: takesOnlyInput(fn.parameters) });
    } else if (t.type === 'custom') {
      const custom = t.custom && typeof t.custom === 'object' ? t.custom : t;
      if (typeof custom.name === 'string') out.push({ name: custom.name, kind: 'custom', onlyInput: false });
    } else if (t.type === 'namespace' && Array.isArray(t.tools)) {
      for (const inner of offeredTools(t.tools)) out.push({ ...inner, name: `${t.name}__${inner.name}`, namespace: t.name, inner: inner.name });
    }
  }
  return out;
}

/** @param {unknown} parameters */
function takesOnlyInput(parameters) {
  const properties = parameters && typeof parameters === 'object' ? /** @type {any} */ (parameters).properties : null;
  return !!properties && typeof properties === 'object' && Object.keys(properties).length === 1 && 'input' in properties;
}

/**
 * @param {string} pattern
 * @param {OfferedTool[]} tools
 */
export function matchTool(pattern, tools) {
  const names = pattern.split('|').map((n) => n.trim().toLowerCase()).filter(Boolean);
  return tools.find((tool) => {
    const name = tool.name.toLowerCase();
    return names.some((n) => name === n || name.endsWith(`_${n}`) || name.endsWith(`.${n}`));
  }) ?? null;
}

/**
 * The scripted turn for a conversation, or null when the conversation has no script in play.
 * @param {object} o
 * @param {string} o.currentText  the text of the newest user message
 * @param {string | null} o.toolResult  the newest entry's tool result, if the newest entry is one
 * @param {OfferedTool[]} o.tools
 * @returns {ScriptedTurn | null}
 */
export function scriptedTurn({ currentText, toolResult, tools }) {
  const current = currentText.includes(CURRENT_MESSAGE) ? currentText.slice(currentText.lastIndexOf(CURRENT_MESSAGE) + CURRENT_MESSAGE.length) : currentText;
  const rendered = OPENCLAW_TOOL_RESULT.exec(current);
  // OpenClaw may add its own notes after a blank line: its rendering is quoted up to there.
  const result = toolResult ?? (rendered ? rendered[1].split(/\n\s*\n/)[0] : null);
  if (result !== null) return { kind: 'text', text: `The tool answered: ${firstChars(result.trim(), 200)}` };
  const directive = DIRECTIVE.exec(current);
  if (!directive) return null;
  const tool = matchTool(directive[1], tools);
  if (!tool) {
    const offered = tools.map((t) => t.name).join(', ') || 'none';
    return { kind: 'text', text: `No offered tool matches '${directive[1]}'. Offered: ${offered}.` };
  }
  let args;
  try {
    args = directive[2] && directive[2].trim() !== '' ? JSON.parse(directive[2]) : {};
  } catch {
    return { kind: 'text', text: `The arguments in [[call ${directive[1]} …]] are not JSON.` };
  }
  if (typeof args === 'string') {
    if (tool.kind === 'custom') return { kind: 'call', tool, arguments: JSON.stringify({ input: args }), input: args };
    return { kind: 'call', tool, arguments: JSON.stringify(tool.onlyInput ? { input: args } : { value: args }), input: null };
  }
  const json = JSON.stringify(args);
  return { kind: 'call', tool, arguments: json, input: tool.kind === 'custom' ? json : null };
}

/**
 * The tool result that is a chat conversation's newest entry, or null.
 * @param {unknown[]} messages
 */
export function chatToolResult(messages) {
  const last = /** @type {any} */ (messages[messages.length - 1]);
  if (!last || (last.role !== 'tool' && last.role !== 'function')) return null;
  return contentText(last.content);
}

/**
 * The tool result that is a Responses input's newest item, or null.
 * @param {unknown} input
 */
export function responsesToolResult(input) {
  if (!Array.isArray(input)) return null;
  const last = /** @type {any} */ (input[input.length - 1]);
  if (!last || (last.type !== 'function_call_output' && last.type !== 'custom_tool_call_output')) return null;
  return contentText(last.output);
}

/** @param {unknown} content */
function contentText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && typeof p.text === 'string' ? p.text : '')).join('\n');
  return content == null ? '' : JSON.stringify(content);
}

/** @param {string} text @param {number} n */
function firstChars(text, n) {
  return Array.from(text).slice(0, n).join('');
}

/**
 * A call's argument string in a few fragments, as a model streams it.
 * @param {string} args
 */
export function argumentFragments(args) {
  if (args.length < 6) return [args];
  const third = Math.ceil(args.length / 3);
  return [args.slice(0, third), args.slice(third, 2 * third), args.slice(2 * third)];
}
