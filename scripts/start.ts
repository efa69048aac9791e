/**
 * `npm start [-- --port 9000 --data-dir .data --reset]`: builds what is stale (functions, H5), starts
 * the local CloudBase with demo data, serves the H5 app from it, and prints the URLs.
 */
import fs from 'fs'
import path from 'path'
import { parseArgs } from 'util'
import { runCli, startEmulator, type Emulator } from '../emulator/server'
import { ensureFunctionsBuilt, ensureH5Built, H5_DIR, ROOT } from './builds'
import { seedDemoData } from './seed'

async function main(): Promise<Emulator> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9000' },
      'data-dir': { type: 'string', default: '.data' },
      reset: { type: 'boolean', default: false },
    },
  })
  const dataDir = path.resolve(ROOT, values['data-dir']!)

  await ensureFunctionsBuilt()
  ensureH5Built()
  if (values.reset) {
    fs.rmSync(dataDir, { recursive: true, force: true })
    console.log(`reset: removed ${dataDir}`)
  }

  const emulator = await startEmulator({
    port: Number(values.port),
    dataDir,
    functionsDir: path.join(ROOT, 'dist/cloudfunctions'),
    timers: true,
    h5Dir: H5_DIR,
  })
  const seeded = await seedDemoData(emulator.url)
  console.log(`
本地 CloudBase 已启动 (local CloudBase is running)
  H5 app          ${emulator.url}/
  SDK serviceUrl  ${emulator.url}/tcb
  functions       POST ${emulator.url}/functions/<name>  (header x-wx-openid: <openid> to call as a user)
  outbox          GET  ${emulator.url}/outbox
  admin           npm run admin -- listMembers '{}'
  data            ${dataDir} ${seeded ? '(demo data seeded)' : '(kept from the last run; --reset to start over)'}
Press Ctrl+C to stop.`)

  return emulator
}

runCli(main)
