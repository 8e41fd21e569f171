// A one-line progress bar for the load test: drawn in place on a terminal.
export function progressBar({ done, total, width = 30, extra = "" }) {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total} ${String(Math.round(ratio * 100)).padStart(3)}%${extra ? ` · ${extra}` : ""}`;
}
