/**
 * `npm run build:functions`: one bundled `index.js` per function under dist/cloudfunctions/<name>/,
 * with domain/ and types/ inlined and wx-server-sdk left external (CloudBase installs it from the
 * function's package.json), plus that package.json and the function's config.json.
 */
import { build } from 'esbuild'
import fs from 'fs'
import path from 'path'

const ROOT = path.resolve(__dirname, '..')
const SRC = path.join(ROOT, 'cloudfunctions')
const OUT = path.join(ROOT, 'dist/cloudfunctions')
const SDK_VERSION: string = require(path.join(ROOT, 'node_modules/wx-server-sdk/package.json')).version

export function functionNames(): string[] {
  return fs
    .readdirSync(SRC)
    .filter(name => fs.existsSync(path.join(SRC, name, 'index.ts')) && fs.existsSync(path.join(SRC, name, 'config.json')))
    .sort()
}

export async function buildFunctions(names = functionNames()): Promise<void> {
  for (const name of names) {
    const outDir = path.join(OUT, name)
    fs.mkdirSync(outDir, { recursive: true })
    await build({
      entryPoints: [path.join(SRC, name, 'index.ts')],
      outfile: path.join(outDir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node16', // CloudBase's Node.js 16 runtime
      format: 'cjs',
      external: ['wx-server-sdk'],
      legalComments: 'none',
      logLevel: 'warning',
    })
    const pkg = { name, version: '1.0.0', private: true, main: 'index.js', dependencies: { 'wx-server-sdk': SDK_VERSION } }
    fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
    fs.copyFileSync(path.join(SRC, name, 'config.json'), path.join(outDir, 'config.json'))
    console.log(`built dist/cloudfunctions/${name} (${(fs.statSync(path.join(outDir, 'index.js')).size / 1024).toFixed(0)} KB)`)
  }
  fs.writeFileSync(BUILT_STAMP, new Date().toISOString())
}

/** Touched after every build: `npm start` compares it with the sources to rebuild only when stale. */
export const BUILT_STAMP = path.join(OUT, '.built')

if (require.main === module) {
  buildFunctions().catch(err => {
    console.error(err)
    process.exit(1)
  })
}
