/** A bench run's clean-up (scripts/bench-emulator.ts trackRun) says when the emulator died mid-run; a closed connection is a failed call. */
import fs from 'fs'
import http from 'http'
import type { AddressInfo } from 'net'
import { startEmulator, tempDataDir, type RunningEmulator } from '../../scripts/emulator-process'
import { callOrTransportFailure, trackRun } from '../../scripts/bench-emulator'

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

describe('callOrTransportFailure', () => {
  /** an "emulator" that closes the connection of every request it receives (undici: "other side closed") */
  async function closingEmulator(exited: boolean) {
    const server = http.createServer(req => req.socket.destroy())
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const emu = { baseUrl: `http://127.0.0.1:${port}`, proc: { exitCode: exited ? 1 : null, signalCode: null } } as unknown as RunningEmulator
    return { emu, close: () => new Promise(resolve => server.close(resolve)) }
  }

  test('a connection closed under a live emulator is a failed call to retry', async () => {
    const { emu, close } = await closingEmulator(false)
    try {
      const answer = await callOrTransportFailure(emu, 'tiers', { action: 'run' })
      expect(answer.status).toBe(0)
      expect(answer.body).toMatchObject({ code: 'TRANSPORT', message: expect.stringMatching(/other side closed/) })
    } finally {
      await close()
    }
  })

  test('a dead emulator ends the run', async () => {
    const { emu, close } = await closingEmulator(true)
    try {
      await expect(callOrTransportFailure(emu, 'tiers', { action: 'run' })).rejects.toThrow(/fetch failed/)
    } finally {
      await close()
    }
  })
})
