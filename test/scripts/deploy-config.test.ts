/**
 * The deploy config (`npm run deploy:config`): every collection the functions touch is declared and
 * every declared one is used; every function's config.json is valid; the committed cloudbaserc.json
 * and deploy/database.json are what the generator produces now; indexes and rules match the
 * collections; no secret in cloudbaserc.json.
 */
import { spawnSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import ts from 'typescript'
import { INDEXES } from '../../deploy/indexes'
import { deniesAll, securityRules } from '../../deploy/security-rules'
import { functionNames } from '../../scripts/build-functions'
import {
  checkDeployEnv,
  cloudbaseRc,
  databaseConfig,
  ENV_PLACEHOLDER,
  envNamesRead,
  generate,
  lineDiff,
  listFunctions,
  OUTPUT_FILES,
  parseDotenv,
  readFunctions,
  staleFiles,
  validateFunctionConfig,
  type DatabaseDeploy,
  type CloudbaseRc,
} from '../../scripts/deploy-config'
import { parseArgs } from '../../scripts/deploy-database'
import { COLLECTIONS } from '../../types/collections'

const ROOT = path.resolve(__dirname, '../..')

// ---------------------------------------------------------------------------------------------
// Which collections the source touches, found with the TypeScript checker (not by regex): what is
// given to `.collection(…)`, to an aggregate `.lookup({ from })`, or to a helper that passes one of
// its parameters on to those (getInTransaction(t, 'x', id), member's mine('x', …), staff's
// sums('x', …), any new one: helpers are discovered, not listed). An argument counts when its type
// is a string literal or a union of them ('x', a const, a ternary, a `collection: 'a' | 'b'`
// property); anything else is reported as unresolved.

interface Usage {
  /** collection name → where it is used */
  used: Map<string, string[]>
  /** helper name → indexes of its collection-name parameters */
  helpers: Map<string, Set<number>>
  unresolved: string[]
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
}

function functionNameOf(fn: ts.SignatureDeclaration): string | null {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text
  const parent = fn.parent
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && parent) {
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text
    if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  }
  return null
}

/**
 * Scans `files` (absolute paths; `inMemory` supplies texts for paths that do not exist on disk).
 * A resolved set covering every name in `declared` is too broad to tell (e.g. a CollectionName-typed
 * value) and is reported as unresolved too.
 */
function scanCollections(files: string[], opts: { inMemory?: Record<string, string>; declared?: readonly string[] } = {}): Usage {
  const host = ts.createCompilerHost(COMPILER_OPTIONS)
  const mem = opts.inMemory ?? {}
  const { getSourceFile, fileExists, readFile } = host
  host.getSourceFile = (name, lang, ...rest) => (name in mem ? ts.createSourceFile(name, mem[name], lang, true) : getSourceFile.call(host, name, lang, ...rest))
  host.fileExists = name => name in mem || fileExists.call(host, name)
  host.readFile = name => (name in mem ? mem[name] : readFile.call(host, name))
  const program = ts.createProgram(files, COMPILER_OPTIONS, host)
  const checker = program.getTypeChecker()
  const sources = files.map(f => program.getSourceFile(f)!)
  const helpers = new Map<string, Set<number>>()
  let used = new Map<string, string[]>()
  let unresolved: string[] = []

  const where = (sf: ts.SourceFile, node: ts.Node) => `${path.relative(ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`
  const literalsOf = (type: ts.Type): string[] | null => {
    const parts = type.isUnion() ? type.types : [type]
    return parts.every(t => t.isStringLiteral()) ? parts.map(t => (t as ts.StringLiteralType).value) : null
  }

  /** Records the collection name(s) `expr` can be; returns whether a new helper was found. */
  const resolve = (sf: ts.SourceFile, expr: ts.Expression, site: ts.Node): boolean => {
    while (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr) || ts.isSatisfiesExpression(expr)) expr = expr.expression
    if (ts.isIdentifier(expr)) {
      // a parameter of the enclosing function: that function is a helper taking a collection name
      const decl = checker.getSymbolAtLocation(expr)?.valueDeclaration
      if (decl && ts.isParameter(decl) && ts.isFunctionLike(decl.parent)) {
        const name = functionNameOf(decl.parent)
        const index = decl.parent.parameters.indexOf(decl)
        if (name) {
          const known = helpers.get(name) ?? new Set<number>()
          if (known.has(index)) return false
          helpers.set(name, known.add(index))
          return true
        }
      }
    }
    const type = checker.getTypeAtLocation(expr)
    // a collection handle (cloudfunctions/shared/collection.ts) was counted where its home made it: collectionHandle('<name>')
    if (type.getSymbol()?.getName() === 'CollectionHandle') return false
    const names = literalsOf(type)
    const tooBroad = names && opts.declared && names.length > 1 && opts.declared.every(d => names.includes(d))
    if (names && names.length && !tooBroad) {
      for (const name of names) used.set(name, [...(used.get(name) ?? []), where(sf, site)])
    } else {
      unresolved.push(`${where(sf, site)}: ${site.getText(sf).replace(/\s+/g, ' ').slice(0, 100)}`)
    }
    return false
  }

  const pass = (): boolean => {
    let grew = false
    used = new Map()
    unresolved = []
    for (const sf of sources) {
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) {
          const callee = node.expression
          const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : null
          if (name === 'collection' && node.arguments.length) grew = resolve(sf, node.arguments[0], node) || grew
          if (name === 'lookup' && node.arguments.length && ts.isObjectLiteralExpression(node.arguments[0])) {
            for (const p of node.arguments[0].properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'from') grew = resolve(sf, p.initializer, node) || grew
          }
          for (const index of (name && helpers.get(name)) || []) if (node.arguments[index]) grew = resolve(sf, node.arguments[index], node) || grew
        }
        ts.forEachChild(node, visit)
      }
      visit(sf)
    }
    return grew
  }
  while (pass()) {
    // a newly found helper may make earlier calls resolvable: scan again
  }
  return { used, helpers, unresolved }
}

function sourcesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.tsx?$/.test(e.name)) out.push(p)
    }
  }
  walk(dir)
  return out.sort()
}

describe('the collection scanner', () => {
  test('finds literals, consts, conditionals, lookups and helpers (also helpers of helpers), and reports the rest', () => {
    const file = path.join(ROOT, '__scanner_fixture__.ts')
    const text = `
      declare const db: any, t: any, flag: boolean, names: string[], someCall: () => string, rule: { collection: 'settings' | 'tiers_config' }, anyName: 'a1' | 'a2' | 'coupons'
      interface CollectionHandle<T> { name: string; in(t: any): T }
      declare const handle: CollectionHandle<unknown>
      const COUPONS = 'coupons'
      export async function getIn<T>(t: any, collection: string, id: string) { return t.collection<T>(collection).doc(id).get() }
      const viaHelper = (name: string) => getIn(null, name, 'x')
      db.collection('members'); db.collection<unknown>("staff"); t.collection(COUPONS)
      db.collection(flag ? 'a1' : 'a2'); db.collection(rule.collection)
      getIn(t, 'points_ledger', 'pointRules'); viaHelper('nested'); getIn(t, handle as any as string, 'x'); getIn(t, handle, 'y')
      db.collection('purchases').aggregate().lookup({ from: 'refunds', localField: '_id', foreignField: 'purchaseId', as: 'r' })
      db.collection(someCall())
      names.map(n => db.collection(n))
      db.collection(anyName)
    `
    const { used, helpers, unresolved } = scanCollections([file], { inMemory: { [file]: text }, declared: ['a1', 'a2', 'coupons'] })
    expect([...used.keys()].sort()).toEqual(['a1', 'a2', 'coupons', 'members', 'nested', 'points_ledger', 'purchases', 'refunds', 'settings', 'staff', 'tiers_config'])
    expect(helpers.get('getIn')).toEqual(new Set([1]))
    expect(helpers.get('viaHelper')).toEqual(new Set([0]))
    expect(unresolved).toHaveLength(3)
    expect(unresolved.join('\n')).toMatch(/someCall\(\)/)
    expect(unresolved.join('\n')).toMatch(/names\.map|db\.collection\(n\)/)
    expect(unresolved.join('\n')).toMatch(/anyName/)
  })
})

describe('collections', () => {
  const scan = scanCollections(sourcesUnder(path.join(ROOT, 'cloudfunctions')), { declared: COLLECTIONS })

  test('the scanner finds the known helpers', () => {
    // function code names a collection only in its home: collectionHandle('<name>') (cloudfunctions/shared/collection.ts)
    expect(scan.helpers.get('collectionHandle')).toEqual(new Set([0]))
  })

  test('every collection name given to the database is a literal (or a helper parameter fed literals)', () => {
    expect(scan.unresolved).toEqual([])
  })

  test('every collection the functions use is declared in types/collections.ts', () => {
    const undeclared = [...scan.used.keys()].filter(name => !(COLLECTIONS as readonly string[]).includes(name))
    const detail = undeclared.map(name => `${name} (used at ${scan.used.get(name)!.join(', ')})`)
    if (detail.length) throw new Error(`used but not in COLLECTIONS (types/collections.ts): ${detail.join('; ')}`)
  })

  test('every declared collection is used somewhere in cloudfunctions/', () => {
    const unused = COLLECTIONS.filter(name => !scan.used.has(name))
    if (unused.length) throw new Error(`declared in COLLECTIONS (types/collections.ts) but never used in cloudfunctions/: ${unused.join(', ')} — remove them, or they are still to be written`)
  })
})

describe('function configs', () => {
  test('every cloudfunctions/<name>/config.json parses and is valid', () => {
    expect(listFunctions()).toEqual(functionNames())
    expect(listFunctions().length).toBeGreaterThan(0)
    for (const name of listFunctions()) {
      const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', name, 'config.json'), 'utf8'))
      expect({ name, problems: validateFunctionConfig(raw) }).toEqual({ name, problems: [] })
    }
    expect(() => readFunctions()).not.toThrow()
  })

  test('the validator rejects what CloudBase would', () => {
    const ok = { timeout: 20, permissions: { openapi: ['subscribeMessage.send'] }, triggers: [{ name: 'expirePoints', type: 'timer', config: '0 30 3 * * * *' }] }
    expect(validateFunctionConfig(ok)).toEqual([])
    const bad = (patch: object) => validateFunctionConfig({ ...ok, ...patch }).join('\n')
    expect(bad({ timeout: 0 })).toMatch(/timeout/)
    expect(bad({ timeout: 901 })).toMatch(/timeout/)
    expect(bad({ timeout: 2.5 })).toMatch(/timeout/)
    expect(bad({ timeout: '20' })).toMatch(/timeout/)
    expect(validateFunctionConfig({ permissions: { openapi: [] } }).join()).toMatch(/timeout/)
    expect(bad({ permissions: {} })).toMatch(/permissions\.openapi/)
    expect(bad({ permissions: { openapi: [1] } })).toMatch(/permissions\.openapi/)
    expect(bad({ triggers: [{ name: 'x', type: 'timer', config: '0 30 3 * * *' }] })).toMatch(/7 fields/)
    expect(bad({ triggers: [{ name: 'x', type: 'timer', config: '0 99 3 * * * *' }] })).toMatch(/triggers\[0\]\.config/)
    expect(bad({ triggers: [{ name: 'x', type: 'http', config: '0 30 3 * * * *' }] })).toMatch(/"timer"/)
    expect(bad({ triggers: [{ name: '1x', type: 'timer', config: '0 30 3 * * * *' }] })).toMatch(/\.name/)
    expect(bad({ triggers: [ok.triggers[0], { ...ok.triggers[0], name: 'second' }] })).toMatch(/one timer trigger/)
    expect(bad({ timeOut: 5 })).toMatch(/unknown key "timeOut"/)
    expect(bad({ envVariables: { A: 1 } })).toMatch(/envVariables/)
  })
})

describe('generated files', () => {
  test.each(OUTPUT_FILES)('%s is committed and up to date', file => {
    const stale = staleFiles().find(s => s.file === file)
    if (stale) throw new Error(`${file} is not what the generator produces now: run npm run deploy:config\n${stale.diff}`)
  })

  test('cloudbaserc.json: one entry per function, built code, its config, placeholders for its env', () => {
    const rc: CloudbaseRc = JSON.parse(generate()['cloudbaserc.json'])
    expect(rc.version).toBe('2.0')
    expect(rc.envId).toBe('{{env.ENV_ID}}')
    expect(rc.functionRoot).toBe('dist/cloudfunctions')
    expect(rc.functions.map(f => f.name)).toEqual(listFunctions())
    for (const f of rc.functions) {
      const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', f.name, 'config.json'), 'utf8'))
      expect(f).toMatchObject({ timeout: config.timeout, handler: 'index.main', installDependency: true })
      expect(['Nodejs16.13', 'Nodejs18.15']).toContain(f.runtime)
      expect(f.triggers ?? []).toEqual(config.triggers ?? [])
    }
    // the member code secret is read by member and staff, and only declared, never valued
    for (const name of ['member', 'staff']) expect(rc.functions.find(f => f.name === name)?.envVariables).toMatchObject({ MEMBER_CODE_SECRET: '{{env.MEMBER_CODE_SECRET}}' })
    // emulator-only switches are not deployed
    expect(JSON.stringify(rc)).not.toMatch(/CLOUDBASE_EMULATOR|EMULATOR_NOW/)
  })

  test('no envVariables value in cloudbaserc.json is a literal (all are {{env.NAME}} placeholders of their own name)', () => {
    const rc: CloudbaseRc = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8'))
    expect(rc.envId).toMatch(ENV_PLACEHOLDER)
    for (const f of rc.functions) {
      for (const [name, value] of Object.entries(f.envVariables ?? {})) expect({ fn: f.name, name, value }).toEqual({ fn: f.name, name, value: `{{env.${name}}}` })
    }
    // even a function whose config.json carries a value gets a placeholder
    const fromConfig = cloudbaseRc([{ name: 'x', config: { timeout: 3, permissions: { openapi: [] }, envVariables: { API_KEY: 'sk-live-123' } }, envNames: ['API_KEY'] }])
    expect(JSON.stringify(fromConfig)).not.toContain('sk-live-123')
  })

  test('the env scan follows imports and reads every form', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envscan-'))
    fs.writeFileSync(path.join(dir, 'index.ts'), "import { a } from './lib'\nexport const x = process.env.FIRST_SECRET + a")
    fs.mkdirSync(path.join(dir, 'lib'))
    fs.writeFileSync(path.join(dir, 'lib', 'index.ts'), "import type { T } from './types'\nexport const a = process.env['SECOND']\nconst { THIRD, FOURTH: renamed } = process.env")
    fs.writeFileSync(path.join(dir, 'lib', 'types.ts'), 'export type T = typeof process.env.TYPE_ONLY')
    expect(envNamesRead(path.join(dir, 'index.ts'))).toEqual(['FIRST_SECRET', 'FOURTH', 'SECOND', 'THIRD'])
    fs.writeFileSync(path.join(dir, 'lib', 'index.ts'), 'const k = "X"; export const a = process.env[k]')
    expect(() => envNamesRead(path.join(dir, 'index.ts'))).toThrow(/computed name/)
    fs.rmSync(dir, { recursive: true })
  })

  test('--check exits 1 with a diff and the fix when a file is stale', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\n')).toBe('  a\n- b\n+ B\n  c\n  ')
    expect(lineDiff('same', 'same')).toBe('')
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/deploy-config.ts'), ...args], { encoding: 'utf8', timeout: 60_000 })
    const fresh = staleFiles().length === 0
    const r = run('--check')
    expect(r.status).toBe(fresh ? 0 : 1)
    if (!fresh) expect(r.stderr).toContain('run npm run deploy:config')
    expect(run('--bogus').status).toBe(2)
  })

  test('--check-env wants every placeholder set, and a real-length secret', () => {
    const rc = '{"envId":"{{env.ENV_ID}}","functions":[{"envVariables":{"MEMBER_CODE_SECRET":"{{env.MEMBER_CODE_SECRET}}"}}]}'
    expect(checkDeployEnv(rc, {})).toEqual(['ENV_ID is not set', 'MEMBER_CODE_SECRET is not set'])
    expect(checkDeployEnv(rc, { ENV_ID: 'prod-1a2b', MEMBER_CODE_SECRET: 'short' })).toEqual([expect.stringMatching(/MEMBER_CODE_SECRET is shorter/)])
    expect(checkDeployEnv(rc, { ENV_ID: 'prod-1a2b', MEMBER_CODE_SECRET: 'f'.repeat(64) })).toEqual([])
  })

  test('--check-env lets a brand without WeCom leave its variables unset, but not half of them', () => {
    const names = ['WECOM_API_BASE', 'WECOM_CORP_ID', 'WECOM_CORP_SECRET', 'WECOM_CALLBACK_TOKEN', 'WECOM_ENCODING_AES_KEY', 'WECOM_WELCOME_PIC_MEDIA_ID']
    const rc = JSON.stringify({ functions: [{ envVariables: Object.fromEntries(names.map(n => [n, `{{env.${n}}}`])) }] })
    expect(checkDeployEnv(rc, {})).toEqual([])
    expect(checkDeployEnv(rc, { WECOM_CORP_ID: 'ww1234' })).toEqual(['WECOM_CALLBACK_TOKEN is not set', 'WECOM_CORP_SECRET is not set', 'WECOM_ENCODING_AES_KEY is not set'])
    const all = { WECOM_CORP_ID: 'ww1234', WECOM_CORP_SECRET: 's'.repeat(43), WECOM_CALLBACK_TOKEN: 'tok', WECOM_ENCODING_AES_KEY: 'k'.repeat(43) }
    expect(checkDeployEnv(rc, all)).toEqual([])
    expect(parseDotenv('# c\nENV_ID=prod-1\nexport A="q v"\nB = \'x\'\n\n')).toEqual({ ENV_ID: 'prod-1', A: 'q v', B: 'x' })
  })
})

describe('database config', () => {
  let db: DatabaseDeploy
  beforeAll(() => {
    db = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy/database.json'), 'utf8'))
  })

  test('deploy/database.json lists every declared collection, in order', () => {
    expect(db.collections.map(c => c.CollectionName)).toEqual([...COLLECTIONS])
  })

  test('every index references a declared collection, and every collection has an index entry', () => {
    expect(Object.keys(INDEXES).sort()).toEqual([...COLLECTIONS].sort())
    expect(() => databaseConfig(COLLECTIONS, { ...INDEXES, memebrs: [] })).toThrow(/"memebrs" is not in COLLECTIONS/)
    const { purchases: _left, ...withoutOne } = INDEXES
    expect(() => databaseConfig(COLLECTIONS, withoutOne)).toThrow(/no entry for "purchases"/)
    expect(() => databaseConfig(COLLECTIONS, { ...INDEXES, members: [{ name: 'a', keys: {} }] })).toThrow(/no keys/)
    expect(() =>
      databaseConfig(COLLECTIONS, {
        ...INDEXES,
        members: [
          { name: 'a', keys: { x: 1 } },
          { name: 'a', keys: { y: 1 } },
        ],
      }),
    ).toThrow(/declared twice/)
    for (const c of db.collections) {
      for (const ix of c.CreateIndexes) {
        expect(ix.MgoKeySchema.MgoIndexKeys.length).toBeGreaterThan(0)
        for (const key of ix.MgoKeySchema.MgoIndexKeys) expect(['1', '-1']).toContain(key.Direction)
      }
    }
  })

  test('every security rule denies client read and write', () => {
    for (const c of db.collections) {
      expect({ collection: c.CollectionName, AclTag: c.AclTag, rule: c.SecurityRule }).toEqual({ collection: c.CollectionName, AclTag: 'CUSTOM', rule: { read: false, write: false } })
      expect(deniesAll(c.SecurityRule)).toBe(true)
    }
    expect(Object.keys(securityRules())).toEqual([...COLLECTIONS])
    expect(deniesAll({ read: 'doc._openid == auth.openid', write: false })).toBe(false)
    expect(deniesAll({ read: false, write: false, create: true })).toBe(false)
  })

  test('the indexes the main queries need are there', () => {
    const has = (coll: string, keys: Record<string, number>, unique = false) =>
      expect(INDEXES[coll as keyof typeof INDEXES].some(ix => JSON.stringify(ix.keys) === JSON.stringify(keys) && (ix.unique === true) === unique)).toBe(true)
    has('members', { memberNo: 1 }, true)
    has('points_ledger', { memberId: 1, createdAt: -1, seq: -1, _id: -1 })
    has('purchases', { storeId: 1, createdAt: -1 })
  })
})

describe('deploy-database arguments', () => {
  test('needs --env; --dry-run optional', () => {
    expect(parseArgs(['--env', 'prod-1a2b'])).toEqual({ envId: 'prod-1a2b', dryRun: false })
    expect(parseArgs(['--dry-run', '-e', 'prod-1a2b'])).toEqual({ envId: 'prod-1a2b', dryRun: true })
    expect(() => parseArgs([])).toThrow(/usage/)
    expect(() => parseArgs(['--env'])).toThrow(/usage/)
    expect(() => parseArgs(['--env', 'x', '--force'])).toThrow(/usage/)
  })

  test('without @cloudbase/manager-node it says how to install it and exits 1; --dry-run needs nothing', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/deploy-database.ts'), ...args], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TENCENTCLOUD_SECRETID: '', TENCENTCLOUD_SECRETKEY: '' },
      })
    const dry = run('--env', 'prod-1a2b', '--dry-run')
    expect(dry.status).toBe(0)
    expect(dry.stdout).toContain('members: rule {"read":false,"write":false}; indexes memberNo_unique')
    expect(run().status).toBe(2)
    let installed = true
    try {
      require.resolve('@cloudbase/manager-node')
    } catch {
      installed = false
    }
    if (installed) return // would talk to CloudBase
    const r = run('--env', 'prod-1a2b')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('npm i -D @cloudbase/manager-node')
  })
})
