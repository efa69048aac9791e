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

/** The client components also compiled to native custom components (miniprogram-simulate tests). */
export const NATIVE_COMPONENTS = ['components/member-code', 'components/coupon-card']
/** `taro build native-components --type weapp` output; never part of dist/weapp. */
export const NATIVE_COMPONENTS_DIR = path.join(ROOT, 'dist/native-components')

/**
 * Builds dist/native-components when older than client/, domain/ or types/: NATIVE_COMPONENTS compiled
 * by Taro to native weapp custom components, with the app's own Taro config
 * (client/native-components/config/index.ts wraps client/config/index.ts and only moves the output).
 */
export function ensureNativeComponentsBuilt(): void {
  const stamp = path.join(NATIVE_COMPONENTS_DIR, `${NATIVE_COMPONENTS[NATIVE_COMPONENTS.length - 1]}.js`)
  if (!isStale(stamp, SOURCES.weapp) && NATIVE_COMPONENTS.every(c => fs.existsSync(path.join(NATIVE_COMPONENTS_DIR, `${c}.js`)))) return
  console.log('building the native components (about half a minute)…')
  const taro = path.join(ROOT, 'node_modules', '.bin', 'taro')
  const r = spawnSync(taro, ['build', 'native-components', '--type', 'weapp', '--components', NATIVE_COMPONENTS.join(',')], {
    cwd: path.join(ROOT, 'client', 'native-components'),
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').slice(-40).join('\n')
    throw new Error(`taro build native-components failed (${r.status ?? r.error?.message}):\n${tail}`)
  }
}
