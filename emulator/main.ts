/** `npm run emulator -- --port <p> --data-dir <dir>`: the local CloudBase on 127.0.0.1 until stopped. */
import path from 'path'
import { parseArgs } from 'util'
import { runCli, startEmulator, type Emulator } from './server'

async function main(): Promise<Emulator> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9000' },
      'data-dir': { type: 'string', default: '.data' },
      'functions-dir': { type: 'string', default: 'dist/cloudfunctions' },
      'no-timers': { type: 'boolean', default: false },
      'h5-dir': { type: 'string', default: 'dist/h5' },
    },
  })
  const emulator = await startEmulator({
    port: Number(values.port),
    dataDir: path.resolve(values['data-dir']!),
    functionsDir: path.resolve(values['functions-dir']!),
    timers: !values['no-timers'],
    h5Dir: path.resolve(values['h5-dir']!),
  })
  console.log(`local CloudBase listening on ${emulator.url}`)
  console.log(`  SDK serviceUrl: ${emulator.url}/tcb   data: ${path.resolve(values['data-dir']!)}`)
  return emulator
}

runCli(main)
