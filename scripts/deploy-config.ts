/**
 * `npm run deploy:config`: generates, from the sources, the files that deploy this repo to a real
 * CloudBase environment (both are committed; regenerate after changing what they come from):
 *
 * - `cloudbaserc.json` for the CloudBase CLI (`tcb fn deploy`): one function per
 *   cloudfunctions/<name>/config.json (timeout, timer triggers), code from dist/cloudfunctions/<name>
 *   (`npm run build:functions`), and as `envVariables` the names the function's bundle reads from
 *   `process.env`, each valued `{{env.NAME}}`: the CLI fills them in from `.env` / `.env.local` at
 *   deploy time, so no secret (MEMBER_CODE_SECRET) is ever in the repo.
 * - `deploy/database.json`: every collection in types/collections.ts with its indexes
 *   (deploy/indexes.ts) and security rule (deploy/security-rules.ts), in the shape of
 *   @cloudbase/manager-node's `database.updateCollection(name, { CreateIndexes })` and the
 *   console's custom security rule (scripts/deploy-database.ts applies it).
 *
 * Flags: `--check` writes nothing and exits 1 with a diff when the committed files are not what
 * would be generated now. `--check-env [--mode <mode>]` (before `tcb fn deploy`) exits 1 unless
 * every `{{env.NAME}}` in cloudbaserc.json is set in `.env`, `.env.local` or `.env.<mode>`; it
 * prints names only, never values.
 */
import fs from 'fs'
import path from 'path'
import ts from 'typescript'
import { INDEXES, type IndexSpec } from '../deploy/indexes'
import { securityRules, type SecurityRule } from '../deploy/security-rules'
import { parseCloudbaseCron } from '../emulator/functions/timers'
import { COLLECTIONS } from '../types/collections'

export const ROOT = path.resolve(__dirname, '..')
export const OUTPUT_FILES = ['cloudbaserc.json', 'deploy/database.json'] as const
export type OutputFile = (typeof OUTPUT_FILES)[number]

/** scripts/build-functions.ts bundles for node16: CloudBase's Node.js 16 runtime. */
export const RUNTIME = 'Nodejs16.13'
export const FUNCTION_ROOT = 'dist/cloudfunctions'
/** CloudBase's limit for an event function's timeout, in seconds. */
export const MAX_TIMEOUT_SECONDS = 900

/** Set by SCF (or the emulator) in every instance, or emulator-only: never deployed as envVariables. */
const RUNTIME_ENV_PREFIX = /^(TCB_|SCF_|WX_|TENCENTCLOUD_)/
const NOT_DEPLOYED_ENV = new Set(['TZ', 'NODE_ENV', 'PATH', 'CLOUDBASE_EMULATOR', 'EMULATOR_NOW'])

export const isDeployedEnv = (name: string) => !RUNTIME_ENV_PREFIX.test(name) && !NOT_DEPLOYED_ENV.has(name)
export const envPlaceholder = (name: string) => `{{env.${name}}}`
export const ENV_PLACEHOLDER = /^\{\{env\.([A-Za-z_][A-Za-z0-9_]*)\}\}$/

// ---------------------------------------------------------------------------------------------
// cloudfunctions/<name>/config.json

export interface TimerTrigger {
  name: string
  type: 'timer'
  /** CloudBase 7-field cron: second minute hour day month weekday year (Beijing time) */
  config: string
}

export interface FunctionConfig {
  timeout: number
  permissions: { openapi: string[] }
  triggers?: TimerTrigger[]
  /** read by the emulator; deployed as placeholders only (the values stay out of cloudbaserc.json) */
  envVariables?: Record<string, string>
}

const CONFIG_KEYS = ['timeout', 'permissions', 'triggers', 'envVariables']
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

/** What is wrong with a parsed config.json ([] when it is valid). */
export function validateFunctionConfig(raw: unknown): string[] {
  if (!isObject(raw)) return ['must be a JSON object']
  const problems: string[] = []
  for (const key of Object.keys(raw)) if (!CONFIG_KEYS.includes(key)) problems.push(`unknown key "${key}" (known: ${CONFIG_KEYS.join(', ')})`)
  const { timeout, permissions, triggers, envVariables } = raw
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
    problems.push(`timeout must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (got ${JSON.stringify(timeout)})`)
  }
  if (!isObject(permissions) || !Array.isArray(permissions.openapi) || !permissions.openapi.every(api => typeof api === 'string' && api.length > 0)) {
    problems.push('permissions.openapi must be an array of openapi names, e.g. ["subscribeMessage.send"] ([] when none)')
  }
  if (triggers !== undefined) {
    if (!Array.isArray(triggers)) problems.push('triggers must be an array')
    else triggers.forEach((t, i) => problems.push(...validateTrigger(t).map(p => `triggers[${i}]${p}`)))
  }
  if (envVariables !== undefined && (!isObject(envVariables) || !Object.values(envVariables).every(v => typeof v === 'string'))) {
    problems.push('envVariables must map names to strings')
  }
  return problems.length ? problems : cloudbaseLimits(raw as unknown as FunctionConfig)
}

/**
 * CloudBase limits the emulator does not enforce: "一个函数目前只能配置一个触发器" (the timer trigger
 * docs of WeChat cloud development and of `tcb fn trigger create`). deploy:config still writes
 * such a config (with a warning); the test fails on it.
 */
export function cloudbaseLimits(config: FunctionConfig): string[] {
  const triggers = Array.isArray(config.triggers) ? config.triggers : []
  if (triggers.length <= 1) return []
  return [
    `CloudBase allows one timer trigger per function (got ${triggers.length}: ${triggers.map(t => t.name).join(', ')}): ` +
      'use one trigger whose action runs every job, or move a job to another function',
  ]
}

function validateTrigger(t: unknown): string[] {
  if (!isObject(t)) return [' must be an object { name, type: "timer", config }']
  const problems: string[] = []
  const { name, type, config, ...rest } = t
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(name)) problems.push('.name: a letter, then letters, digits, - or _ (at most 60)')
  if (type !== 'timer') problems.push(`.type must be "timer", the only trigger CloudBase functions have (got ${JSON.stringify(type)})`)
  if (typeof config !== 'string') problems.push('.config must be a 7-field cron string')
  else {
    try {
      parseCloudbaseCron(config)
    } catch (err) {
      problems.push(`.config: ${(err as Error).message}`)
    }
  }
  if (Object.keys(rest).length) problems.push(`: unknown keys ${Object.keys(rest).join(', ')}`)
  return problems
}

// ---------------------------------------------------------------------------------------------
// the environment variables a function reads

const isProcessEnv = (e: ts.Node): boolean => ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'process' && e.name.text === 'env'

function at(sf: ts.SourceFile, node: ts.Node): string {
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf))
  return `${path.relative(ROOT, sf.fileName)}:${line + 1}`
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null // a package: not bundled from this repo
  const base = path.resolve(path.dirname(from), spec)
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return /\.(ts|tsx|js)$/.test(candidate) ? candidate : null
  }
  throw new Error(`${path.relative(ROOT, from)}: cannot resolve import "${spec}"`)
}

/**
 * Every `process.env` name read by `entry` and the repo files it imports (what esbuild bundles):
 * `process.env.X`, `process.env['X']`, `const { X } = process.env`. A computed name is an error,
 * since it could not be declared.
 */
export function envNamesRead(entry: string): string[] {
  const names = new Set<string>()
  const seen = new Set<string>()
  const queue = [path.resolve(entry)]
  while (queue.length) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
    const follow = (spec: string) => {
      const target = resolveImport(file, spec)
      if (target) queue.push(target)
    }
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly : node.isTypeOnly
        if (!typeOnly) follow(node.moduleSpecifier.text)
      } else if (
        ts.isCallExpression(node) &&
        (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
        node.arguments.length > 0 &&
        ts.isStringLiteralLike(node.arguments[0])
      ) {
        follow(node.arguments[0].text)
      } else if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) {
        names.add(node.name.text)
      } else if (ts.isElementAccessExpression(node) && isProcessEnv(node.expression)) {
        if (!ts.isStringLiteralLike(node.argumentExpression)) throw new Error(`${at(sf, node)}: process.env[…] with a computed name; read each variable by name so deploy:config can declare it`)
        names.add(node.argumentExpression.text)
      } else if (ts.isVariableDeclaration(node) && node.initializer && isProcessEnv(node.initializer) && ts.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) {
          const key = el.propertyName ?? el.name
          if (el.dotDotDotToken || !(ts.isIdentifier(key) || ts.isStringLiteral(key))) throw new Error(`${at(sf, node)}: destructure process.env by name so deploy:config can declare it`)
          names.add(key.text)
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return [...names].sort()
}

// ---------------------------------------------------------------------------------------------
// reading the functions

export interface FunctionSource {
  name: string
  config: FunctionConfig
  /** the names its bundle reads from process.env, without the ones SCF provides */
  envNames: string[]
  /** CloudBase limits it breaks (see cloudbaseLimits) */
  warnings?: string[]
}

/** The deployable functions: folders with index.ts and config.json (as scripts/build-functions.ts builds them). */
export function listFunctions(root = ROOT): string[] {
  const src = path.join(root, 'cloudfunctions')
  return fs
    .readdirSync(src)
    .filter(name => fs.existsSync(path.join(src, name, 'index.ts')) && fs.existsSync(path.join(src, name, 'config.json')))
    .sort()
}

export function readFunctions(root = ROOT): FunctionSource[] {
  const problems: string[] = []
  const out: FunctionSource[] = []
  for (const name of listFunctions(root)) {
    const file = path.join('cloudfunctions', name, 'config.json')
    if (!/^[A-Za-z][\w-]{0,59}$/.test(name)) problems.push(`cloudfunctions/${name}: a function name is a letter, then letters, digits, - or _ (at most 60)`)
    let raw: unknown
    try {
      raw = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'))
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`)
      continue
    }
    const config = raw as FunctionConfig
    const limits = isObject(raw) ? cloudbaseLimits(config) : []
    const invalid = validateFunctionConfig(raw).filter(p => !limits.includes(p))
    if (invalid.length) {
      problems.push(...invalid.map(p => `${file}: ${p}`))
      continue
    }
    const read = envNamesRead(path.join(root, 'cloudfunctions', name, 'index.ts'))
    const envNames = [...new Set([...read, ...Object.keys(config.envVariables ?? {})])].filter(isDeployedEnv).sort()
    out.push({ name, config, envNames, warnings: limits.map(p => `${file}: ${p}`) })
  }
  if (problems.length) throw new Error(`invalid function config:\n  ${problems.join('\n  ')}`)
  return out
}

// ---------------------------------------------------------------------------------------------
// the generated files

export interface CloudbaseRcFunction {
  name: string
  timeout: number
  runtime: string
  handler: string
  installDependency: boolean
  envVariables?: Record<string, string>
  triggers?: TimerTrigger[]
}

export interface CloudbaseRc {
  version: '2.0'
  envId: string
  functionRoot: string
  functions: CloudbaseRcFunction[]
}

/** cloudbaserc.json (version 2.0: `{{env.NAME}}` is filled in from .env / .env.local by the CLI). */
export function cloudbaseRc(functions: readonly FunctionSource[]): CloudbaseRc {
  return {
    version: '2.0',
    envId: envPlaceholder('ENV_ID'),
    functionRoot: FUNCTION_ROOT,
    functions: functions.map(({ name, config, envNames }) => ({
      name,
      timeout: config.timeout,
      runtime: RUNTIME,
      handler: 'index.main',
      installDependency: true, // CloudBase installs wx-server-sdk from the function's package.json
      // left out when empty: a deploy replaces the function's whole environment with what is listed
      ...(envNames.length ? { envVariables: Object.fromEntries(envNames.map(n => [n, envPlaceholder(n)])) } : {}),
      ...(config.triggers?.length ? { triggers: config.triggers.map(({ name: n, type, config: cron }) => ({ name: n, type, config: cron })) } : {}),
    })),
  }
}

export interface CreateIndex {
  IndexName: string
  MgoKeySchema: { MgoIsUnique: boolean; MgoIndexKeys: Array<{ Name: string; Direction: '1' | '-1' }> }
}

export interface CollectionDeploy {
  CollectionName: string
  /** CUSTOM: the security rule below applies (ModifySafeRule / 权限设置 → 自定义安全规则) */
  AclTag: 'CUSTOM'
  SecurityRule: SecurityRule
  /** as `database.updateCollection(CollectionName, { CreateIndexes })` takes it */
  CreateIndexes: CreateIndex[]
}

export interface DatabaseDeploy {
  _generated: string
  collections: CollectionDeploy[]
}

const INDEX_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/

/** One index as `database.updateCollection`'s `CreateIndexes` (and deploy/database.json) spell it. */
export function createIndex(ix: IndexSpec): CreateIndex {
  return {
    IndexName: ix.name,
    MgoKeySchema: { MgoIsUnique: ix.unique === true, MgoIndexKeys: Object.entries(ix.keys).map(([Name, dir]) => ({ Name, Direction: dir === 1 ? '1' : '-1' })) },
  }
}

/** deploy/database.json; throws when an index or rule does not match the declared collections. */
export function databaseConfig(
  collections: readonly string[] = COLLECTIONS,
  indexes: Readonly<Record<string, readonly IndexSpec[]>> = INDEXES,
  rules: Readonly<Record<string, SecurityRule>> = securityRules(collections),
): DatabaseDeploy {
  const problems: string[] = []
  for (const name of Object.keys(indexes)) if (!collections.includes(name)) problems.push(`deploy/indexes.ts: "${name}" is not in COLLECTIONS (types/collections.ts)`)
  for (const name of Object.keys(rules)) if (!collections.includes(name)) problems.push(`security rules: "${name}" is not in COLLECTIONS (types/collections.ts)`)
  for (const name of collections) {
    if (!indexes[name]) problems.push(`deploy/indexes.ts: no entry for "${name}" (an empty list when nothing but _id is queried)`)
    if (!rules[name]) problems.push(`security rules: no rule for "${name}"`)
    const names = new Set<string>()
    const keySets = new Set<string>()
    for (const ix of indexes[name] ?? []) {
      const where = `deploy/indexes.ts: ${name}.${ix.name}`
      if (!INDEX_NAME.test(ix.name)) problems.push(`${where}: an index name is a letter, then letters, digits or _`)
      if (names.has(ix.name)) problems.push(`${where}: declared twice`)
      names.add(ix.name)
      const keys = Object.entries(ix.keys)
      if (!keys.length) problems.push(`${where}: no keys`)
      for (const [field, dir] of keys) {
        if (!field || field.startsWith('$') || field.split('.').some(part => !part)) problems.push(`${where}: bad field "${field}"`)
        if (dir !== 1 && dir !== -1) problems.push(`${where}: direction of "${field}" must be 1 or -1`)
      }
      const keySet = JSON.stringify(keys)
      if (keySets.has(keySet)) problems.push(`${where}: same keys as another index`)
      keySets.add(keySet)
    }
  }
  if (problems.length) throw new Error(`invalid database config:\n  ${problems.join('\n  ')}`)
  return {
    _generated: 'by `npm run deploy:config` from types/collections.ts, deploy/indexes.ts and deploy/security-rules.ts: edit those, not this file',
    collections: collections.map(name => ({
      CollectionName: name,
      AclTag: 'CUSTOM',
      SecurityRule: rules[name],
      CreateIndexes: indexes[name].map(createIndex),
    })),
  }
}

const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/** The content of each generated file, as it would be written now. */
export function generate(root = ROOT, warn: (message: string) => void = () => undefined): Record<OutputFile, string> {
  const functions = readFunctions(root)
  for (const f of functions) for (const w of f.warnings ?? []) warn(w)
  return {
    'cloudbaserc.json': toJson(cloudbaseRc(functions)),
    'deploy/database.json': toJson(databaseConfig()),
  }
}

// ---------------------------------------------------------------------------------------------
// --check

/** A line diff of `before` → `after` with `context` unchanged lines around each change ('' when equal). */
export function lineDiff(before: string, after: string, context = 2): string {
  if (before === after) return ''
  const a = before.split('\n')
  const b = after.split('\n')
  // longest common subsequence, from the end
  const lcs = Array.from({ length: a.length + 1 }, () => new Int32Array(b.length + 1))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
  }
  const ops: Array<[' ' | '-' | '+', string]> = []
  for (let i = 0, j = 0; i < a.length || j < b.length;) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push([' ', a[i++]])
      j++
    } else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push(['-', a[i++]])
    else ops.push(['+', b[j++]])
  }
  const changed = ops.map(([op]) => op !== ' ')
  const out: string[] = []
  let skipped = false
  ops.forEach(([op, line], k) => {
    const near = changed.slice(Math.max(0, k - context), k + context + 1).some(Boolean)
    if (!near) {
      skipped = true
      return
    }
    if (skipped && out.length) out.push('  …')
    skipped = false
    out.push(`${op} ${line}`)
  })
  return out.join('\n')
}

/** The generated files whose committed content differs from what would be generated now. */
export function staleFiles(root = ROOT, warn?: (message: string) => void): Array<{ file: OutputFile; diff: string }> {
  const expected = generate(root, warn)
  return OUTPUT_FILES.flatMap(file => {
    const full = path.join(root, file)
    const committed = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : ''
    if (committed === expected[file]) return []
    const header = `--- ${file} (${committed ? 'committed' : 'missing'})\n+++ ${file} (generated now)`
    return [{ file, diff: `${header}\n${lineDiff(committed, expected[file])}` }]
  })
}

// ---------------------------------------------------------------------------------------------
// --check-env

/** KEY=VALUE lines of a dotenv file (comments, blank lines and `export ` ignored; quotes stripped). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!m || line.trim().startsWith('#')) continue
    out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2')
  }
  return out
}

/** May stay unset: the function has a default or works without it (docs/wecom.md). */
const OPTIONAL_ENV = new Set(['WECOM_API_BASE', 'WECOM_MINIPROGRAM_APPID', 'WECOM_WELCOME_PIC_MEDIA_ID'])
/** All or none: a brand without WeCom leaves the group unset (the wecom function then answers 企业微信未配置). */
const ALL_OR_NONE_ENV = [['WECOM_CORP_ID', 'WECOM_CORP_SECRET', 'WECOM_CALLBACK_TOKEN', 'WECOM_ENCODING_AES_KEY']]

/** Problems with the deploy-time variables: missing or empty, or a *_SECRET shorter than 32 characters. */
export function checkDeployEnv(rcText: string, env: Record<string, string>): string[] {
  const needed = [...new Set([...rcText.matchAll(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map(m => m[1]))].sort()
  const unusedGroup = (name: string) => ALL_OR_NONE_ENV.some(group => group.includes(name) && group.every(n => !env[n]))
  return needed.flatMap(name => {
    const value = env[name]
    if (!value && (OPTIONAL_ENV.has(name) || unusedGroup(name))) return []
    if (!value) return [`${name} is not set`]
    if (/SECRET$/.test(name) && value.length < 32) return [`${name} is shorter than 32 characters (use e.g. openssl rand -hex 32)`]
    return []
  })
}

const warning = (message: string) => console.error(`warning: ${message}`)

function main(argv: string[]): number {
  const modeAt = argv.indexOf('--mode')
  const mode = modeAt >= 0 ? argv[modeAt + 1] : undefined
  const flags = argv.filter((_arg, i) => modeAt < 0 || (i !== modeAt && i !== modeAt + 1))
  if (flags.length > 1 || (flags[0] && !['--check', '--check-env'].includes(flags[0])) || (modeAt >= 0 && (!mode || flags[0] !== '--check-env'))) {
    console.error('usage: npm run deploy:config [-- --check | --check-env [--mode <mode>]]')
    return 2
  }
  if (flags[0] === '--check') {
    const stale = staleFiles(ROOT, warning)
    if (!stale.length) {
      console.log(`up to date: ${OUTPUT_FILES.join(', ')}`)
      return 0
    }
    for (const { file, diff } of stale) console.error(`${file} is stale: run npm run deploy:config\n${diff}\n`)
    return 1
  }
  if (flags[0] === '--check-env') {
    const rc = path.join(ROOT, 'cloudbaserc.json')
    if (!fs.existsSync(rc)) {
      console.error('cloudbaserc.json is missing: run npm run deploy:config')
      return 1
    }
    const files = ['.env', '.env.local', ...(mode ? [`.env.${mode}`] : [])]
    const env = Object.assign({}, ...files.map(f => (fs.existsSync(path.join(ROOT, f)) ? parseDotenv(fs.readFileSync(path.join(ROOT, f), 'utf8')) : {})))
    const problems = checkDeployEnv(fs.readFileSync(rc, 'utf8'), env)
    if (problems.length) {
      console.error(`set these in .env.local (kept out of git) before tcb fn deploy:\n  ${problems.join('\n  ')}`)
      return 1
    }
    console.log(`every {{env.*}} in cloudbaserc.json is set (from ${files.join(', ')})`)
    return 0
  }
  for (const [file, text] of Object.entries(generate(ROOT, warning))) {
    fs.mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true })
    fs.writeFileSync(path.join(ROOT, file), text)
    console.log(`wrote ${file}`)
  }
  return 0
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2))
  } catch (err) {
    console.error((err as Error).message)
    process.exitCode = 1
  }
}
