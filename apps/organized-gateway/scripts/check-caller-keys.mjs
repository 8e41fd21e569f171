// The lint rule behind `npm run typecheck` for caller-chosen names (see src/shared/own-key.ts):
// in the Worker's source, no `table[name]` on an object with a string index signature (or
// typed any), and no `name in table`, where `name` may be any string; nor either with the
// string cast to a key type (`table[name as Kind]`), which only hides it from the check.
// A plain object answers `constructor`, `toString`, `__proto__`... from its prototype, so
// such a lookup by an attendee's header, path, form field or a webhook's field once read a
// function as a count and turned a tier name into a 500. Use a Map, or ownValue / hasOwnKey
// from src/shared/own-key.ts. A key whose type is a union of literals (checked by Zod, or the
// code's own constants) passes: the type already says which names can arrive.
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(import.meta.dirname, "..");
const ALLOWED = new Set(["src/shared/own-key.ts"]);

const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, {
  ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); },
});
// The Worker's own files: unit tests beside them look tables up by the names they list themselves.
const inSource = (file) => path.relative(ROOT, file).startsWith("src/") && !file.endsWith(".test.ts");
const program = ts.createProgram(parsed.fileNames.filter(inSource), parsed.options);
const checker = program.getTypeChecker();

/** Any string at all (not a union of literals): what a caller could choose. */
function anyString(type) {
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) return t.types.some(anyString);
  return (t.flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

/** A plain object used as a table: a string index signature, and not an array. */
function stringKeyedObject(type) {
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) return t.types.some(stringKeyedObject);
  return checker.getIndexInfoOfType(t, ts.IndexKind.String) !== undefined && !checker.isArrayLikeType(t);
}

/** `name as Key` (or `<Key>name`) where `name` is any string: a cast that only hides the caller's string from the checks above. */
function castFromAnyString(node) {
  let inner = node;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  return (ts.isAsExpression(inner) || ts.isTypeAssertionExpression(inner)) && anyString(checker.getTypeAtLocation(inner.expression));
}

/** An object whose type says nothing (any): a lookup on it by any string is as unchecked as on a table. */
function untypedObject(type) {
  return (checker.getNonNullableType(type).flags & ts.TypeFlags.Any) !== 0;
}

const findings = [];
for (const file of program.getSourceFiles()) {
  const relative = path.relative(ROOT, file.fileName);
  if (!inSource(file.fileName) || ALLOWED.has(relative)) continue;
  const visit = (node) => {
    const lookup = ts.isElementAccessExpression(node) && (
      (stringKeyedObject(checker.getTypeAtLocation(node.expression)) || untypedObject(checker.getTypeAtLocation(node.expression)))
        && anyString(checker.getTypeAtLocation(node.argumentExpression))
      || castFromAnyString(node.argumentExpression));
    const membership = ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword
      && (anyString(checker.getTypeAtLocation(node.left)) || castFromAnyString(node.left));
    if (lookup || membership) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart());
      findings.push(`${relative}:${line + 1}: ${node.getText().replace(/\s+/g, " ").slice(0, 80)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

if (findings.length > 0) {
  console.error("A lookup by a name the caller may choose reads Object.prototype (`constructor`, `__proto__`...):");
  for (const finding of findings) console.error(`  ${finding}`);
  console.error("Use a Map, or ownValue / hasOwnKey from src/shared/own-key.ts.");
  process.exit(1);
}
