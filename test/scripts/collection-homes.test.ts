/**
 * One home per collection (issue 14, docs/architecture.md): every collection in types/collections.ts
 * has exactly one home, cloudfunctions/shared/collections/<name>.ts, the only place that makes its
 * handle (and so says its name); the registry hands out each home's own handle; and eslint refuses a
 * collection's name anywhere else in function code.
 */
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import ts from 'typescript'
import { COLLECTIONS } from '../../types/collections'
import { handleOf } from '../../cloudfunctions/shared/collections'

const ROOT = path.resolve(__dirname, '../..')
const HOMES = 'cloudfunctions/shared/collections'

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e => {
    const rel = `${dir}/${e.name}`
    if (e.isDirectory()) return sourcesUnder(rel)
    return e.name.endsWith('.ts') ? [rel] : []
  })
}

/** collection name → the files that call collectionHandle('<name>') */
function handlesMade(): Map<string, string[]> {
  const made = new Map<string, string[]>()
  for (const file of sourcesUnder('cloudfunctions')) {
    const sf = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2020, true)
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'collectionHandle') {
        const [name] = node.arguments
        const key = name && ts.isStringLiteralLike(name) ? name.text : `<not a literal: ${node.getText(sf)}>`
        made.set(key, [...(made.get(key) ?? []), file])
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return made
}

describe('collection homes', () => {
  const made = handlesMade()

  test('every declared collection has exactly one home, shared/collections/<name>.ts', () => {
    const wrong = COLLECTIONS.filter(name => JSON.stringify(made.get(name)) !== JSON.stringify([`${HOMES}/${name}.ts`])).map(name => `${name}: ${made.get(name)?.join(', ') ?? 'no home'}`)
    expect(wrong).toEqual([])
  })

  test('no handle is made for anything else, and every file in the homes folder is a home', () => {
    expect([...made.keys()].filter(name => !(COLLECTIONS as readonly string[]).includes(name))).toEqual([])
    const files = sourcesUnder(HOMES).filter(f => f !== `${HOMES}/index.ts`)
    expect(files.filter(f => !COLLECTIONS.some(name => f === `${HOMES}/${name}.ts`))).toEqual([])
  })

  test('the registry hands out each collection its own home’s handle', () => {
    for (const name of COLLECTIONS) expect({ name, handle: handleOf(name).name }).toEqual({ name, handle: name })
  })
})

describe('the eslint rule', () => {
  // every way function code could name a collection; each line is one violation
  const PROBE = [
    'declare const db: any',
    'declare const t: any, getInTransaction: any, insertOnce: any, docsByIds: any, collectionHandle: any',
    "export const a = db.collection('members')",
    'export const b = t.collection(`coupons`)',
    "export const c = getInTransaction(t, 'purchases', 'id')",
    "export const d = insertOnce(t, 'coupons', { _id: 'x' }, () => null)",
    "export const e = docsByIds('stores', ['s1'])",
    "export const f = collectionHandle('members')",
    '',
  ].join('\n')

  const lint = (file: string): number[] => {
    const run = spawnSync(process.execPath, ['node_modules/eslint/bin/eslint.js', '--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: ROOT, input: PROBE, encoding: 'utf8' })
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; line: number }> }>
    return result.messages.filter(m => m.ruleId === 'no-restricted-syntax').map(m => m.line)
  }

  test('refuses a collection name in function code outside the homes', () => {
    expect(lint('cloudfunctions/member/probe.ts')).toEqual([3, 4, 5, 6, 7, 8])
  })

  test('allows it in a home', () => {
    expect(lint(`${HOMES}/probe.ts`)).toEqual([])
  })
})
