// ---------------------------------------------------------------------------------------
// The loader: the same for every project; what is above is this project's.

// Declared here, not taken from @types/node or the DOM library, so the file compiles on
// its own; at run time they are Node's.
declare const process: { readonly env: Readonly<Record<string, string | undefined>> };
declare const URL: new (input: string) => { readonly protocol: string; readonly hostname: string };

/** The environment a loader reads: `process.env`, or any map of names to texts. */
export type Env = Readonly<Record<string, string | undefined>>;

type Scalar = "string" | "integer" | "number" | "boolean";
type Value = string | number | boolean;
type Parsed = Value | readonly Value[];
type Format =
  | "url" | "https-url" | "no-localhost" | "duration" | "port" | "email" | "hostname" | "ipv4";

interface Checks {
  readonly enum?: readonly Value[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: Format;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly items?: Checks;
}

interface VariableSpec {
  readonly name: string;
  readonly list: boolean;
  readonly type: Scalar;
  readonly checks: Checks;
  readonly required: boolean;
  readonly default: string | null;
  readonly secret: boolean;
}

interface EnvironmentSpec {
  readonly name: string;
  readonly tier: string;
  readonly deployed: null | {
    readonly loopbackAllowed: readonly string[];
    readonly plainHttpAllowed: readonly string[];
  };
}

interface TestSpec {
  readonly subject: "$env" | "$tier" | string;
  readonly values: readonly Value[] | null;
  readonly ifAbsent: boolean;
}

interface RuleSpec {
  readonly rule: string;
  readonly when: readonly TestSpec[];
  readonly checks: readonly (readonly [string, Checks])[];
  readonly required: readonly string[];
}

const REDACTED = "[redacted]";
const INSPECT: unique symbol = Symbol.for("nodejs.util.inspect.custom");

/**
 * A secret value (`x-secret` in the schema). Printing it in any way — `String()`, a
 * template literal, `JSON.stringify`, `console.log`, `util.inspect` — shows `[redacted]`;
 * `reveal()` is the one way to the value, for where it is used.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value itself: hand it to what needs it, never to a log. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
  [INSPECT](): string {
    return `Secret(${REDACTED})`;
  }
}

/** One problem of an environment: the variable, and what is wrong (never its value). */
export interface Problem {
  readonly variable: string;
  readonly message: string;
}

/** Every problem `loadConfig` found, at once; its message names each variable, no value. */
export class ConfigError extends Error {
  readonly problems: readonly Problem[];
  constructor(environment: string | undefined, problems: readonly Problem[]) {
    const where = environment === undefined ? "" : ` for the environment \`${environment}\``;
    const lines = problems.map((p) => `\n  - ${p.variable}: ${p.message}`).join("");
    super(`invalid configuration${where} (${problems.length} problem(s)):${lines}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * The zod schema of the app's environment in `environment`: it reads every variable as
 * `cfgc exec` passes it, and reports every problem at once, each at its variable's path.
 */
export function configSchema(environment: EnvironmentName): z.ZodType<Config, Env> {
  const env = ENVIRONMENTS.find((e) => e.name === environment);
  if (env === undefined) {
    throw new ConfigError(undefined, [unknownEnvironment()]);
  }
  const shape: Record<string, z.ZodOptional<z.ZodString>> = {};
  for (const v of VARIABLES) {
    shape[v.name] = z.string().optional();
  }
  return z
    .object(shape)
    .transform((raw, ctx) => {
      const config = validate(env, raw, (variable, message) =>
        ctx.addIssue({ code: "custom", path: [variable], message }),
      );
      return config as unknown as Config;
    }) as unknown as z.ZodType<Config, Env>;
}

/**
 * The app's configuration, checked as `cfgc check` checks it: types, ranges, formats, the
 * schema's rules for this environment and tier, and a deployed tier's built-in rules (no
 * loopback host, no plain http). The environment is `name`, else `CFGC_ENV` (which
 * `cfgc exec` sets). Throws a `ConfigError` naming every problem, never a value.
 */
export function loadConfig(env: Env = process.env, name?: string): Config {
  const environment = name ?? env[ENV_VARIABLE];
  if (environment === undefined || !ENVIRONMENTS.some((e) => e.name === environment)) {
    throw new ConfigError(environment === undefined ? undefined : "?", [unknownEnvironment()]);
  }
  const result = configSchema(environment as EnvironmentName).safeParse(env);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? "?"),
    message: issue.message,
  }));
  throw new ConfigError(environment, problems);
}

function unknownEnvironment(): Problem {
  const names = ENVIRONMENTS.map((e) => e.name).join(", ");
  return {
    variable: ENV_VARIABLE,
    message: `names no environment of this project; set it to one of ${names} (\`cfgc exec ENV -- …\` sets it)`,
  };
}

type Report = (variable: string, message: string) => void;

/** Every variable read, checked and typed; every problem reported. */
function validate(env: EnvironmentSpec, raw: Env, report: Report): Record<string, unknown> {
  const config: Record<string, unknown> = { [ENV_VARIABLE]: env.name };
  // Each set variable's value as parsed, or its text where it is not of its type (a rule's
  // `if` then compares the text, as `cfgc check` compares the string it holds).
  const values = new Map<string, Parsed>();
  const malformed = new Set<string>();
  for (const v of VARIABLES) {
    const text = raw[v.name] ?? v.default ?? undefined;
    if (text === undefined) {
      if (v.required) report(v.name, "is required but not set");
      continue;
    }
    const parsed = parse(v, text);
    guardrails(env, v, text, isError(parsed), report);
    if (isError(parsed)) {
      report(v.name, parsed.error);
      values.set(v.name, text);
      malformed.add(v.name);
      continue;
    }
    values.set(v.name, parsed);
    check(v.name, v.checks, parsed, "", secretAware(v.secret, report));
    config[v.name] = v.secret ? new Secret(text) : Object.freeze(parsed);
  }
  for (const rule of RULES) {
    if (!holds(rule, env, values)) continue;
    for (const name of rule.required) {
      if (!values.has(name)) report(name, `is required in this environment (${rule.rule})`);
    }
    for (const [name, checks] of rule.checks) {
      const value = values.get(name);
      if (value === undefined || malformed.has(name)) continue;
      const secret = VARIABLES.some((v) => v.name === name && v.secret);
      check(name, checks, value, ` (${rule.rule})`, secretAware(secret, report));
    }
  }
  return Object.freeze(config);
}

/**
 * For a secret, one problem that names no rule: which rule a secret breaks, and how, would
 * tell something about its value (as `cfgc check` names no rule for a decrypted value).
 */
function secretAware(secret: boolean, report: Report): Report {
  if (!secret) return report;
  let said = false;
  return (variable) => {
    if (!said) report(variable, "does not satisfy the schema (its rules are not named: it is a secret)");
    said = true;
  };
}

function isError(p: Parsed | { readonly error: string }): p is { readonly error: string } {
  return typeof p === "object" && !Array.isArray(p);
}

/** The text read as the variable's type: `true`/`false`, a JSON number, items split on `,`. */
function parse(v: VariableSpec, text: string): Parsed | { readonly error: string } {
  if (!v.list) return scalar(v.type, text);
  if (text === "") return [];
  const items: Value[] = [];
  for (const [i, item] of text.split(",").entries()) {
    const value = scalar(v.type, item);
    if (typeof value === "object") return { error: `item ${i + 1}: ${value.error}` };
    items.push(value);
  }
  return items;
}

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function scalar(type: Scalar, text: string): Value | { readonly error: string } {
  switch (type) {
    case "string":
      return text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : { error: "is not `true` or `false`" };
    case "number":
    case "integer": {
      const n = NUMBER.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(n)) return { error: `is not a number` };
      // Digits alone: cfgc refuses a float where the schema wants an integer, even a whole
      // one (`4.0`, `8.08e3`), so that a value renders as it was written.
      if (type === "integer" && !INTEGER.test(text)) {
        return { error: "is not an integer (digits alone, without `.` or an exponent)" };
      }
      return n;
    }
  }
}

/** JSON Schema's equality of two scalars (`1` is `1.0`). */
function same(a: Parsed, b: Value): boolean {
  return a === b;
}

/** Each keyword of `checks` that applies to the value's JSON type. */
function check(name: string, checks: Checks, value: Parsed, rule: string, report: Report): void {
  const fail = (why: string): void => report(name, why + rule);
  if (Array.isArray(value)) {
    if (checks.minItems !== undefined && value.length < checks.minItems) fail(`has fewer than ${checks.minItems} item(s)`);
    if (checks.maxItems !== undefined && value.length > checks.maxItems) fail(`has more than ${checks.maxItems} item(s)`);
    if (checks.uniqueItems && new Set(value).size !== value.length) fail("has an item twice");
    if (checks.items !== undefined) {
      const items = checks.items;
      value.forEach((item, i) =>
        scalarChecks(items, item as Value, (why) => fail(`item ${i + 1} ${why}`)),
      );
    }
    return;
  }
  scalarChecks(checks, value as Value, fail);
}

function scalarChecks(checks: Checks, value: Value, fail: (why: string) => void): void {
  if (checks.enum !== undefined && !checks.enum.some((e) => same(value, e))) {
    fail(`is not one of the allowed values (${checks.enum.map((e) => JSON.stringify(e)).join(", ")})`);
  }
  if (typeof value === "number") {
    if (checks.minimum !== undefined && value < checks.minimum) fail(`is below the minimum ${checks.minimum}`);
    if (checks.maximum !== undefined && value > checks.maximum) fail(`is above the maximum ${checks.maximum}`);
    if (checks.exclusiveMinimum !== undefined && value <= checks.exclusiveMinimum) fail(`is not above ${checks.exclusiveMinimum}`);
    if (checks.exclusiveMaximum !== undefined && value >= checks.exclusiveMaximum) fail(`is not below ${checks.exclusiveMaximum}`);
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (checks.minLength !== undefined && length < checks.minLength) fail(`is shorter than ${checks.minLength} character(s)`);
    if (checks.maxLength !== undefined && length > checks.maxLength) fail(`is longer than ${checks.maxLength} character(s)`);
    if (checks.pattern !== undefined && !new RegExp(checks.pattern, "u").test(value)) fail(`does not match the pattern ${JSON.stringify(checks.pattern)}`);
    if (checks.format !== undefined && !FORMATS[checks.format](value)) fail(`is not ${FORMAT_NAMES[checks.format]}`);
  }
}

/** Whether every test of a rule's `if` holds. */
function holds(rule: RuleSpec, env: EnvironmentSpec, values: Map<string, Parsed>): boolean {
  return rule.when.every((test) => {
    const value =
      test.subject === "$env" ? env.name : test.subject === "$tier" ? env.tier : values.get(test.subject);
    if (value === undefined) return test.ifAbsent;
    return test.values === null || test.values.some((x) => same(value, x));
  });
}

/**
 * A deployed tier's built-in rules, on every string of a non-secret variable, as
 * `cfgc check` reads them: a number or boolean is not a string, unless it is not of its
 * type (then `cfgc check` holds a string).
 */
function guardrails(env: EnvironmentSpec, v: VariableSpec, text: string, malformed: boolean, report: Report): void {
  const rules = env.deployed;
  if (rules === null || v.secret || (v.type !== "string" && !malformed)) return;
  const strings = v.list ? text.split(",") : [text];
  if (!rules.loopbackAllowed.includes(v.name) && strings.some(namesLocal)) {
    report(v.name, `points at a loopback or unspecified host in the deployed tier \`${env.tier}\``);
  }
  if (!rules.plainHttpAllowed.includes(v.name) && strings.some((s) => anyItem(s, isPlainHttp))) {
    report(v.name, `is a plain http URL in the deployed tier \`${env.tier}\``);
  }
}

// Hosts, read as cfgc's `loopback` module reads them (which is how Node's `URL` reads them):
// a special-scheme URL as it is, another scheme's authority under `http:`, anything else
// after `http://`; tabs and line breaks removed, an IPv6 zone dropped.

/** Whether any comma- or space-separated item of `s` names this machine. */
function namesLocal(s: string): boolean {
  return anyItem(s, (item) => isLocal(hostname(item)));
}

/** `test` on each item of `s`, split with and without its tabs and line breaks. */
function anyItem(s: string, test: (item: string) => boolean): boolean {
  const items = s.replace(/[\t\n\r]/g, "").split(/[, ]/);
  if (/[\t\n\r]/.test(s)) items.push(...s.split(/[, \t\n\r]/));
  return items.some((item) => item !== "" && test(item));
}

function isPlainHttp(item: string): boolean {
  try {
    return new URL(item).protocol === "http:";
  } catch {
    return false;
  }
}

const SPECIAL = new Set(["http", "https", "ws", "wss", "ftp", "file"]);

function hostname(item: string): string {
  let s = item.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  const open = s.indexOf("[");
  const close = s.indexOf("]", open);
  if (open >= 0 && close > open) {
    const zone = s.slice(open, close).indexOf("%");
    if (zone >= 0) s = s.slice(0, open + zone) + s.slice(close);
  }
  if (s === "") return "";
  const bare = s.split("%")[0] ?? "";
  if (/^[0-9A-Fa-f:.]+$/.test(bare) && bare.includes(":")) {
    try {
      return new URL(`http://[${bare}]/`).hostname;
    } catch {
      // Not an IPv6 address: read on as text.
    }
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):([\s\S]*)$/.exec(s);
  const scheme = m?.[1]?.toLowerCase();
  const rest = m?.[2] ?? "";
  let target = "http://" + s;
  let authority = s;
  if (scheme !== undefined && SPECIAL.has(scheme)) {
    target = s;
    authority = rest.replace(/^[/\\]+/, "");
  } else if (scheme !== undefined && rest.startsWith("//")) {
    target = "http:" + rest;
    authority = rest.slice(2);
  }
  try {
    return new URL(target).hostname;
  } catch {
    return namedHost(authority);
  }
}

/**
 * The host at the start of an authority whose rest no URL parser accepts
 * (`localhost:${PORT}`): a consumer that fills in the rest still connects there.
 */
function namedHost(authority: string): string {
  const end = authority.search(/[/?#\\]/);
  const head = end < 0 ? authority : authority.slice(0, end);
  const at = head.lastIndexOf("@");
  const hostPort = at < 0 ? head : head.slice(at + 1);
  const host =
    hostPort.startsWith("[") && hostPort.includes("]")
      ? hostPort.slice(0, hostPort.indexOf("]") + 1)
      : (hostPort.split(":")[0] ?? "");
  if (host === "") return "";
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return "";
  }
}

function ipv6Groups(v6: string): number[] {
  const [l, r] = v6.includes("::") ? v6.split("::") : [v6, undefined];
  const left = l ? l.split(":") : [];
  const right = r ? r.split(":") : [];
  const fill = r === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16));
}

function v4Local(a: number, b: number, c: number, d: number): boolean {
  return a === 127 || (a === 0 && b === 0 && c === 0 && d === 0);
}

/** Loopback (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`) or unspecified (`0.0.0.0`, `::`). */
function isLocal(h: string): boolean {
  if (h === "") return false;
  if (h.startsWith("[")) {
    const g = ipv6Groups(h.slice(1, -1));
    const zero = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
    const at = (i: number): number => g[i] ?? -1;
    if (zero(7) && (at(7) === 0 || at(7) === 1)) return true;
    if (zero(5) && (at(5) === 0 || at(5) === 0xffff)) {
      return v4Local(at(6) >> 8, at(6) & 255, at(7) >> 8, at(7) & 255);
    }
    return false;
  }
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) return v4Local(Number(v4[1]), Number(v4[2]), Number(v4[3]), Number(v4[4]));
  const name = h.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

// cfgc's formats (`schema/formats.rs`), and JSON Schema's as cfgc checks them.

function url(s: string): { readonly protocol: string } | null {
  try {
    const u = new URL(s);
    return u.hostname === "" ? null : u;
  } catch {
    return null;
  }
}

const HOSTNAME_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253 || s.endsWith(".")) return false;
  return s.split(".").every((l) => HOSTNAME_LABEL.test(l) && l.slice(2, 4) !== "--");
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

const FORMATS: Readonly<Record<Format, (s: string) => boolean>> = {
  url: (s) => url(s) !== null,
  "https-url": (s) => url(s)?.protocol === "https:",
  "no-localhost": (s) => !namesLocal(s),
  duration: (s) => /^(?:[0-9]+(?:ms|s|m|h|d|w))+$/.test(s),
  port: (s) => {
    if (!/^\+?[0-9]+$/.test(s) || s.startsWith("0")) return false;
    const n = Number(s.replace(/^\+/, ""));
    return n >= 1 && n <= 65535;
  },
  email: (s) => {
    const at = s.lastIndexOf("@");
    const local = s.slice(0, at);
    return at > 0 && local.length <= 64 && DOT_ATOM.test(local) && isHostname(s.slice(at + 1));
  },
  hostname: isHostname,
  ipv4: (s) => /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/.test(s),
};

const FORMAT_NAMES: Readonly<Record<Format, string>> = {
  url: "an absolute URL with a host",
  "https-url": "an `https://` URL",
  "no-localhost": "a host or URL that is not this machine (localhost, 127.0.0.0/8, ::1, 0.0.0.0, ::)",
  duration: "a duration such as `15m` or `1h30m` (units ms, s, m, h, d, w)",
  port: "a TCP port from 1 to 65535",
  email: "an email address",
  hostname: "a hostname",
  ipv4: "an IPv4 address",
};
