/**
 * Rewriting an event stream event by event, without buffering it: bytes are cut into events
 * at blank lines (CRLF too, across network chunks), each event's text goes through `each`,
 * and whatever it returns leaves at once. `end` may add events when the stream ends (a
 * translation that closes a message). An unterminated tail at the end is passed to `each`
 * too: a node that drops the last blank line still has its last event read.
 */

const BOUNDARY = /\r?\n\r?\n/;

export function rewriteEvents(body: ReadableStream<Uint8Array>, each: (raw: string) => string[], end: () => string[] = () => []): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const emit = (controller: TransformStreamDefaultController<Uint8Array>, events: string[]) => {
    if (events.length > 0) controller.enqueue(encoder.encode(events.map((event) => `${event}\n\n`).join("")));
  };
  return body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split(BOUNDARY);
      pending = parts.pop() ?? "";
      emit(controller, parts.filter((part) => part.trim() !== "").flatMap(each));
    },
    flush(controller) {
      pending += decoder.decode();
      emit(controller, [...(pending.trim() !== "" ? each(pending) : []), ...end()]);
    },
  }));
}
