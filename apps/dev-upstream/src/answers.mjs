// @ts-check
/**
 * Deterministic answer text (same input -> same output, always).
 * - Prompt mentions "business" or "workflow" (case-insensitive): a 5-step numbered workflow
 *   that quotes a phrase from the prompt.
 * - Otherwise: `Echo: <first 200 characters of the prompt>`.
 * The prompt is the first paragraph of the user's message: agent frameworks such as OpenClaw
 * append their own runtime notes after the user's words ("[timestamp] words\n\nRuntime: ..."),
 * and a simulator standing in for a model should answer the user, not the framework.
 */

const WORKFLOW_RE = /business|workflow/i;

/**
 * A short phrase from the prompt: whitespace collapsed, at most 8 words / 80 characters,
 * trailing punctuation removed.
 * @param {string} prompt
 */
export function phraseOf(prompt) {
  const words = prompt.trim().split(/\s+/).filter(Boolean).slice(0, 8);
  let phrase = words.join(' ');
  if (phrase.length > 80) phrase = phrase.slice(0, 80).replace(/\s+\S*$/, '') || phrase.slice(0, 80);
  return phrase.replace(/[\s.,;:!?"'`)\]}]+$/u, '');
}

/** @param {string} prompt */
function workflow(prompt) {
  const phrase = phraseOf(prompt);
  return [
    `Here is a 5-step workflow for "${phrase}":`,
    `1. Define the goal and one success metric for "${phrase}".`,
    '2. Map the current process, its inputs, and the people involved.',
    '3. Automate the repetitive steps and keep a human review point.',
    '4. Pilot it with a small group and measure the results.',
    '5. Roll it out, document it, and review it every month.',
  ].join('\n');
}

/**
 * The first non-empty paragraph of a message (the whole message when it has one paragraph).
 * @param {string} message
 */
export function userWords(message) {
  const paragraphs = message.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return paragraphs.length ? paragraphs[0] : message;
}

/**
 * First 200 characters (code points, so emoji are never split).
 * @param {string} text
 */
function first200(text) {
  if (text.length <= 200) return text;
  return Array.from(text.slice(0, 400)).slice(0, 200).join('');
}

/**
 * @param {string} message the last user message text
 * @returns {string}
 */
export function answerFor(message) {
  const prompt = userWords(message);
  if (WORKFLOW_RE.test(prompt)) return workflow(prompt);
  return `Echo: ${first200(prompt)}`;
}
