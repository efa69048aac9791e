/** member.track: batched views and clicks, harmless resends, a per-minute rate limit, the caller's own data only. */
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, rid } from './support'

const env = useEmulator()
const click = (productId: string) => ({ type: 'click', productId, source: 'home.recommend' })

test('a batch is one doc; a resend with the same requestId is not counted twice', async () => {
  await signUp(env, 'o_track_1')
  const requestId = rid('trk')
  const event = { action: 'track', requestId, events: [click('latte'), { type: 'view', productId: 'mocha' }] }
  expect(await env.member(event, 'o_track_1')).toEqual({ ok: true, data: { accepted: 2, replayed: false } })
  expect(await env.member(event, 'o_track_1')).toEqual({ ok: true, data: { accepted: 2, replayed: true } })
  const { data } = await env.db.collection('events').where({ memberId: 'o_track_1' }).get()
  expect(data).toHaveLength(1)
  expect(data[0].events.map((e: any) => e.productId)).toEqual(['latte', 'mocha'])
})

test('over 20 calls in a minute → LIMIT_REACHED; the next minute is open again', async () => {
  await signUp(env, 'o_track_2')
  await setClock(env.emu, '2026-11-23T04:00:10.000Z')
  try {
    for (let i = 0; i < 20; i++) expect((await env.member({ action: 'track', requestId: rid('trk'), events: [click('latte')] }, 'o_track_2')).ok).toBe(true)
    expect(await env.member({ action: 'track', requestId: rid('trk'), events: [click('latte')] }, 'o_track_2')).toMatchObject({ ok: false, code: 'LIMIT_REACHED' })
    await setClock(env.emu, '2026-11-23T04:01:00.000Z')
    expect((await env.member({ action: 'track', requestId: rid('trk'), events: [click('latte')] }, 'o_track_2')).ok).toBe(true)
  } finally {
    await setClock(env.emu, null)
  }
})

test('bad batches are INVALID_ARGUMENT; no sign-in → NOT_FOUND; no identity → UNAUTHENTICATED', async () => {
  const events = Array.from({ length: 51 }, () => click('latte'))
  expect(await env.member({ action: 'track', requestId: rid('trk'), events }, 'o_track_1')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.member({ action: 'track', requestId: rid('trk'), events: [{ type: 'buy', productId: 'x' }] }, 'o_track_1')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.member({ action: 'track', requestId: rid('trk'), events: [click('latte')], memberId: 'o_track_2' }, 'o_track_1')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  expect(await env.member({ action: 'track', requestId: rid('trk'), events: [click('latte')] }, 'o_track_nobody')).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  expect(await env.member({ action: 'track', requestId: rid('trk'), events: [click('latte')] })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
})
