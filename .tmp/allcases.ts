import * as fs from 'fs';
import * as path from 'path';
import { run } from '/work/wt/cli/src/cli/main';
const ROOT = process.env.ROOT!;
let same = 0, diff = 0, err = 0;
for (const c of fs.readdirSync(path.join(ROOT, 'tests')).sort()) {
  const exp = path.join(ROOT, 'test_outputs/connlist', `${c}_connlist_output.txt`);
  if (!fs.existsSync(exp)) continue;
  let out = '', e = '';
  const code = run(['analyze', '--no-platform', path.join(ROOT, 'tests', c)], (s) => { out += s; }, (s) => { e += s; });
  if (code !== 0) { err++; console.log('ERR', c, e.split('\n').slice(0, 3).join(' | ')); continue; }
  const want = fs.readFileSync(exp, 'utf8').trimEnd();
  const got = out.split('\n').filter((l) => !l.startsWith('#') && l).join('\n');
  if (got === want) same++; else { diff++; console.log('DIFF', c); }
}
console.log({ same, diff, err });
