/** Without MEMBER_CODE_SECRET in the function environment, member codes fail closed (INTERNAL), with a clear log. */
import fs from 'fs'
import path from 'path'
import { startEmulator, tempDataDir, deployCollections, invoke, type RunningEmulator } from '../../scripts/emulator-process'

let emu: RunningEmulator

beforeAll(async () => {
  const dataDir = tempDataDir()
  // the emulator keeps what an existing secrets file says: an empty secret is a misconfigured deployment
  fs.mkdirSync(path.join(dataDir, 'functions'), { recursive: true })
  fs.writeFileSync(path.join(dataDir, 'functions', 'secrets.json'), '{"MEMBER_CODE_SECRET": ""}')
  emu = await startEmulator({ dataDir, args: ['--no-timers'] })
  await deployCollections(emu)
}, 60_000)
afterAll(() => emu?.stop())

test('getCodeKey and the till answer INTERNAL and log what is missing; nothing else breaks', async () => {
  expect(await invoke(emu, 'member', { action: 'login' }, 'o_nosecret')).toMatchObject({ ok: true })
  expect(await invoke(emu, 'member', { action: 'getCodeKey' }, 'o_nosecret')).toMatchObject({ ok: false, code: 'INTERNAL' })
  await invoke(emu, 'member', { action: 'login' }, 'o_nosecret_staff')
  await invoke(emu, 'admin', { action: 'upsertStore', storeId: 's1', name: '店' })
  await invoke(emu, 'admin', { action: 'appointStaff', openid: 'o_nosecret_staff', storeId: 's1', name: '店员' })
  expect(await invoke(emu, 'staff', { action: 'verifyCode', code: '123456789012345678' }, 'o_nosecret_staff')).toMatchObject({ ok: false, code: 'INTERNAL' })
  expect(await invoke(emu, 'member', { action: 'getPoints' }, 'o_nosecret')).toMatchObject({ ok: true })
  await new Promise(r => setTimeout(r, 200))
  expect(emu.output()).toMatch(/MEMBER_CODE_SECRET is not set/)
})
