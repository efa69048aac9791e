/** A bench run's clean-up (scripts/bench-emulator.ts trackRun): it says when the emulator died mid-run. */
import fs from 'fs'
import { startEmulator, tempDataDir } from '../../scripts/emulator-process'
import { trackRun } from '../../scripts/bench-emulator'

test('an emulator that exited before the clean-up is reported with its last output, and the data dir is removed', async () => {
  const dataDir = tempDataDir('bench-emu-')
  const { run, finish } = trackRun(dataDir)
  run.emu = await startEmulator({ dataDir, args: ['--no-timers'] })
  const exited = new Promise(resolve => run.emu!.proc.once('exit', resolve))
  run.emu.proc.kill('SIGKILL')
  await exited
  const log: string[] = []
  await finish(line => log.push(line))
  expect(log[0]).toMatch(/^ {2}the emulator had exited \(SIGKILL\); its last output:\n[\s\S]*listening on http:\/\/127\.0\.0\.1:\d+/)
  expect(fs.existsSync(dataDir)).toBe(false)
})

test('a running emulator is stopped without that report', async () => {
  const dataDir = tempDataDir('bench-emu-')
  const { run, finish } = trackRun(dataDir)
  run.emu = await startEmulator({ dataDir, args: ['--no-timers'] })
  const log: string[] = []
  await finish(line => log.push(line))
  expect(log).toEqual(['  stopping the emulator'])
  expect(fs.existsSync(dataDir)).toBe(false)
})
