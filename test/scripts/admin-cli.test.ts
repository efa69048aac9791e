/** `npm run admin -- <action> '<json>'` against a running emulator. */
import { spawnSync } from 'child_process'
import path from 'path'
import { startEmulator, deployCollections, ROOT, type RunningEmulator } from '../../scripts/emulator-process'
import { parseAdminArgs } from '../../scripts/admin'

let emu: RunningEmulator
const admin = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/admin.ts'), ...args], { encoding: 'utf8', timeout: 30_000 })

beforeAll(async () => {
  emu = await startEmulator({ args: ['--no-timers'] })
  await deployCollections(emu)
}, 60_000)
afterAll(() => emu?.stop())

test('prints the admin function’s JSON answer', () => {
  const r = admin('listMembers', '{"limit":5}', '--port', String(emu.port))
  expect(r.status).toBe(0)
  expect(JSON.parse(r.stdout)).toEqual({ ok: true, data: { total: 0, members: [] } })
})

test('a failed action prints the failure and exits 1', () => {
  const r = admin('getMember', '{"openid":"o_nobody"}', '--port', String(emu.port))
  expect(r.status).toBe(1)
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'NOT_FOUND' })
})

test('bad arguments exit 2 with usage', () => {
  expect(() => parseAdminArgs([])).toThrow(/usage/)
  expect(() => parseAdminArgs(['listMembers', '{not json'])).toThrow(/JSON object/)
  expect(() => parseAdminArgs(['listMembers', '[1]'])).toThrow(/JSON object/)
  expect(parseAdminArgs(['getMember', '{"openid":"o1"}', '--port', '9100'])).toEqual({ action: 'getMember', input: { openid: 'o1' }, port: 9100 })
  const r = admin('--help')
  expect(r.status).toBe(2)
  expect(r.stderr).toContain('listMembers')
})

test('an emulator that is not running exits 3 with a hint', () => {
  const r = admin('listMembers', '{}', '--port', '1')
  expect(r.status).toBe(3)
  expect(r.stderr).toContain('npm start')
})
