/** Which build outputs are older than their sources, and building them: shared by `npm start` and the tests. */
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { buildFunctions, BUILT_STAMP } from './build-functions'

export const ROOT = path.resolve(__dirname, '..')

const SOURCES = {
  functions: ['cloudfunctions', 'domain', 'types', 'package.json'],
  h5: ['client', 'domain', 'types', 'babel.config.js', 'package.json'],
  weapp: ['client', 'domain', 'types', 'babel.config.js', 'package.json'],
}

/** Newest modification time of any file under these paths (relative to the repo root). */
function newest(paths: string[]): number {
  let max = 0
  const walk = (p: string) => {
    if (!fs.existsSync(p)) return
    const st = fs.statSync(p)
    if (!st.isDirectory()) max = Math.max(max, st.mtimeMs)
    else for (const e of fs.readdirSync(p)) if (e !== 'node_modules' && e !== '.swc') walk(path.join(p, e))
  }
  paths.forEach(p => walk(path.join(ROOT, p)))
  return max
}

function isStale(output: string, sources: string[]): boolean {
  return !fs.existsSync(output) || fs.statSync(output).mtimeMs < newest(sources)
}

export const H5_DIR = path.join(ROOT, 'dist/h5')

export async function ensureFunctionsBuilt(): Promise<void> {
  if (isStale(BUILT_STAMP, SOURCES.functions)) await buildFunctions()
}

export const WEAPP_DIR = path.join(ROOT, 'dist/weapp')

function taroBuild(target: 'h5' | 'weapp'): void {
  console.log(`building the ${target} app (about a minute)…`)
  // jest sets NODE_ENV=test, which Taro does not build with: a production build, as `npm run build` makes
  const r = spawnSync('npm', ['run', `build:${target}`], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  if (r.status !== 0) throw new Error(`npm run build:${target} failed (${r.status})`)
}

export function ensureH5Built(): void {
  if (isStale(path.join(H5_DIR, 'index.html'), SOURCES.h5)) taroBuild('h5')
}

export function ensureWeappBuilt(): void {
  if (isStale(path.join(WEAPP_DIR, 'app.json'), SOURCES.weapp)) taroBuild('weapp')
}
