// Plain-text tables and numbers for the terminal: columns padded by their visible width, so
// colour codes added after padding never shift the layout.
const ANSI = /\x1b\[[0-9;]*m/g;

export const visibleLength = (text) => String(text).replace(ANSI, "").length;

export function num(value) {
  return value === null || value === undefined ? "–" : Number(value).toLocaleString("en-US");
}

/** Colour helpers that do nothing when colour is off. */
export function palette(enabled) {
  const wrap = (code) => (text) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : String(text));
  return { red: wrap("31"), yellow: wrap("33"), green: wrap("32"), bold: wrap("1"), dim: wrap("2"), banner: wrap("1;97;41") };
}

/**
 * @param {Record<string, unknown>[]} rows
 * @param {{key: string, title: string, align?: "left"|"right", format?: (v: unknown, row: object) => string, color?: (text: string, row: object) => string}[]} columns
 */
export function table(rows, columns) {
  const cells = rows.map((row) => columns.map((c) => (c.format ? c.format(row[c.key], row) : String(row[c.key] ?? "–"))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => visibleLength(r[i]))));
  const pad = (text, i) => (columns[i].align === "left" ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const lines = [columns.map((c, i) => pad(c.title, i)).join("  ")];
  cells.forEach((r, rowIndex) => {
    lines.push(r.map((text, i) => {
      const padded = pad(text, i);
      return columns[i].color ? columns[i].color(padded, rows[rowIndex]) : padded;
    }).join("  "));
  });
  return lines.join("\n");
}
