/** A command-line mistake: exit code 2 and the subcommand's usage hint (internal). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'UsageError';
  }
}

/** One option of a subcommand (internal). */
export interface FlagSpec {
  /** `--format` */
  readonly name: string;
  /** `-o` */
  readonly alias?: string;
  /** Names of the values it takes (`['FORMAT']`, `['SRC', 'DST']`); none for a switch. */
  readonly args?: string[];
  /** The values allowed, when a closed list. */
  readonly values?: string[];
  /** May be given more than once (values accumulate). */
  readonly repeat?: boolean;
  /** One line (or more) of help. */
  readonly help: string;
}

/** What was given (internal). */
export interface ParsedArgs {
  readonly positional: string[];
  /** Flag name (`--format`) to its values, one array per use (a switch has one empty array). */
  readonly flags: Map<string, string[][]>;
  readonly help: boolean;
}

function validOptions(specs: FlagSpec[]): string {
  return specs.map((s) => s.name).join(', ');
}

function valuesText(spec: FlagSpec): string {
  return spec.values ? `one of ${spec.values.join(', ')}` : spec.args!.join(' ');
}

/** Parses `argv` for subcommand `cmd`: `--flag value`, `--flag=value`, aliases, `--` ends options. */
export function parseArgs(cmd: string, argv: string[], specs: FlagSpec[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[][]>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (a === '--help' || a === '-h') { help = true; continue; }
    if (!a.startsWith('-') || a === '-') { positional.push(a); continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const key = eq >= 0 ? a.slice(0, eq) : a;
    const spec = specs.find((s) => s.name === key || s.alias === key);
    if (!spec) throw new UsageError(`${cmd}: unknown option "${key}" (valid: ${validOptions(specs)}, --help)`);
    const n = spec.args?.length ?? 0;
    if (n === 0 && eq >= 0) throw new UsageError(`${cmd}: ${spec.name} takes no value (got "${a.slice(eq + 1)}")`);
    const vals: string[] = eq >= 0 ? [a.slice(eq + 1)] : [];
    while (vals.length < n) {
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('-') && v !== '-' && !/^-\d/.test(v))) {
        throw new UsageError(`${cmd}: ${spec.name} needs ${n > 1 ? `${n} values` : 'a value'}: ${valuesText(spec)}`);
      }
      vals.push(v);
      i++;
    }
    for (const v of vals) {
      if (v === '') throw new UsageError(`${cmd}: ${spec.name} needs a value: ${valuesText(spec)} (got an empty string)`);
      if (spec.values && !spec.values.includes(v)) throw new UsageError(`${cmd}: ${spec.name}: invalid value "${v}" (valid: ${spec.values.join(', ')})`);
    }
    if (flags.has(spec.name) && !spec.repeat) throw new UsageError(`${cmd}: ${spec.name} given twice (give it once)`);
    flags.set(spec.name, [...(flags.get(spec.name) ?? []), vals]);
  }
  return { positional, flags, help };
}

/** The help text of a subcommand: synopsis, description and one entry per option. */
export function helpText(synopsis: string, description: string, specs: FlagSpec[]): string {
  const lines = [`usage: ${synopsis}`, '', description, '', 'options:'];
  for (const s of specs) {
    const head = `  ${s.alias ? `${s.alias}, ` : ''}${s.name}${s.args ? ` ${s.args.join(' ')}` : ''}`;
    lines.push(head);
    for (const l of s.help.split('\n')) lines.push(`      ${l}`);
  }
  lines.push('  -h, --help', '      this help');
  return lines.join('\n');
}

/** The single value of a flag (undefined when not given). */
export function single(p: ParsedArgs, name: string): string | undefined {
  return p.flags.get(name)?.[0]?.[0];
}
