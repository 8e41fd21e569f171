// @ts-check
/** Reading text out of OpenAI-style messages (string content or an array of parts). */

/**
 * Text of a message `content`: a string, or an array of parts where the text of
 * `{type:"text"|"input_text"|"output_text", text}` parts is joined with "\n".
 * Anything else (images, audio, null from tool-calling assistants) counts as no text.
 * @param {unknown} content
 * @returns {string}
 */
export function textOfContent(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  let first = true;
  for (const part of content) {
    let t = null;
    if (typeof part === 'string') t = part;
    else if (part && typeof part === 'object' && typeof part.text === 'string') t = part.text;
    if (t === null) continue;
    out += first ? t : `\n${t}`;
    first = false;
  }
  return out;
}

/** A user message that is wholly an agent framework's context block (OpenClaw adds one after the user's). */
const FRAMEWORK_CONTEXT = /^\s*<<<BEGIN_[A-Z_]+>>>[\s\S]*<<<END_[A-Z_]+>>>\s*$/;

/**
 * Text of the last `role: "user"` message the user wrote (or of the last message, if none is a
 * user message). Context blocks that agent frameworks add as user messages are skipped.
 * @param {unknown[]} messages
 */
export function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = /** @type {any} */ (messages[i]);
    if (m && m.role === 'user') {
      const text = textOfContent(m.content);
      if (!FRAMEWORK_CONTEXT.test(text)) return text;
    }
  }
  const last = /** @type {any} */ (messages[messages.length - 1]);
  return last ? textOfContent(last.content) : '';
}

/**
 * Responses API `input` (a string, or an array of items / messages) as chat-style messages.
 * @param {unknown} input
 * @param {unknown} instructions
 * @returns {{ role: string, content: unknown }[]}
 */
export function responsesInputAsMessages(input, instructions) {
  /** @type {{ role: string, content: unknown }[]} */
  const out = [];
  if (typeof instructions === 'string' && instructions) out.push({ role: 'system', content: instructions });
  if (typeof input === 'string') out.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (typeof item === 'string') out.push({ role: 'user', content: item });
      else if (item && typeof item === 'object' && 'content' in item) {
        out.push({ role: typeof item.role === 'string' ? item.role : 'user', content: item.content });
      }
    }
  }
  return out;
}
