/**
 * A small parser for Fluentd's configuration syntax (directives `<name arg>...</name>`, `key value`
 * parameters, `#` comments), enough to read back the generated fluent.conf.
 */
export interface FluentdDirective {
  readonly name: string;
  readonly arg: string;
  readonly params: { [key: string]: string };
  readonly children: FluentdDirective[];
}

export function parseFluentd(text: string): FluentdDirective[] {
  const root: FluentdDirective = { name: '', arg: '', params: {}, children: [] };
  const stack: FluentdDirective[] = [root];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const close = /^<\/([a-z_]+)>$/.exec(line);
    if (close) {
      const top = stack.pop();
      if (!top || top.name !== close[1] || stack.length === 0) throw new Error(`line ${i + 1}: unexpected ${line}`);
      return;
    }
    const open = /^<([a-z_]+)(?:\s+([^>]*))?>$/.exec(line);
    if (open) {
      const d: FluentdDirective = { name: open[1], arg: (open[2] ?? '').trim(), params: {}, children: [] };
      stack[stack.length - 1].children.push(d);
      stack.push(d);
      return;
    }
    const kv = /^(@?[a-z_]+)(?:\s+(.*))?$/.exec(line);
    if (!kv) throw new Error(`line ${i + 1}: cannot parse ${JSON.stringify(line)}`);
    const cur = stack[stack.length - 1];
    if (cur === root) throw new Error(`line ${i + 1}: parameter outside a directive`);
    if (kv[1] in cur.params) throw new Error(`line ${i + 1}: duplicate parameter ${kv[1]}`);
    cur.params[kv[1]] = kv[2] ?? '';
  });
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  return root.children;
}
