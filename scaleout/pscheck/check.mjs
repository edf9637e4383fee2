// Reports every syntax error tree-sitter-powershell finds in the given
// .ps1 files (file:line:column); exit 1 when there is one. The Go test
// TestScriptsParseAsPowerShell runs it over freshly generated scripts.
import { Parser, Language } from 'web-tree-sitter';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
await Parser.init();
const lang = await Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
const parser = new Parser();
parser.setLanguage(lang);
let bad = 0;
for (const f of process.argv.slice(2)) {
  let text = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
  const tree = parser.parse(text);
  const errs = [];
  const walk = (n) => {
    if (n.type === 'ERROR' || n.isMissing) errs.push(`${f}:${n.startPosition.row + 1}:${n.startPosition.column + 1}: ${n.isMissing ? 'missing ' + n.type : 'syntax error near ' + JSON.stringify(n.text.slice(0, 60))}`);
    for (const c of n.children) walk(c);
  };
  walk(tree.rootNode);
  if (errs.length) { bad++; console.log(errs.slice(0, 10).join('\n')); }
}
console.log(bad ? `${bad} file(s) with syntax errors` : 'ok');
process.exit(bad ? 1 : 0);
