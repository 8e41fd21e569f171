// CSV (RFC 4180): a field with a comma, quote or line break is quoted, quotes doubled.
// A field starting with = + - @ is prefixed with ' so a spreadsheet never runs it as a formula.
function field(value) {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@]/.test(text) && Number.isNaN(Number(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows, columns) {
  return [columns.join(","), ...rows.map((row) => columns.map((c) => field(row[c])).join(","))].join("\r\n") + "\r\n";
}
