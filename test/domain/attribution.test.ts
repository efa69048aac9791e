import fc from 'fast-check'
import { attributionRows, channelIdFor, firstValueFen, parseScene, sceneFor, SCENE_MAX, type SignupRow, type ValuePurchase } from '../../domain/attribution'

const DAY = 86_400_000

describe('channel ids and scenes', () => {
  test('one id per store, staff member or campaign, and the scene stays within WeChat’s 32 characters', () => {
    const a = channelIdFor({ kind: 'store', storeId: 'store_a' })
    expect(a).toMatch(/^c[0-9a-f]{12}$/)
    expect(channelIdFor({ kind: 'store', storeId: 'store_a' })).toBe(a)
    expect(channelIdFor({ kind: 'store', storeId: 'store_b' })).not.toBe(a)
    expect(channelIdFor({ kind: 'campaign', storeId: 'store_a', campaignId: 'x1' })).not.toBe(channelIdFor({ kind: 'campaign', storeId: null, campaignId: 'x1' }))
    expect(sceneFor(a).length).toBeLessThanOrEqual(SCENE_MAX)
  })

  test('parseScene reads the channel from an encoded or decoded scene', () => {
    const id = channelIdFor({ kind: 'staff', staffOpenid: 'o_1' })
    expect(parseScene(sceneFor(id))).toBe(id)
    expect(parseScene(encodeURIComponent(sceneFor(id)))).toBe(id)
    expect(parseScene(encodeURIComponent(encodeURIComponent(sceneFor(id))))).toBe(id)
    expect(parseScene(`x=1&${sceneFor(id)}`)).toBe(id)
  })

  test('anything else is no channel (never an exception)', () => {
    for (const bad of [undefined, null, 42, '', 'c=', 'c=zzz', 'c=C0123456789AB', 'd=c0123456789ab', '%E0%A4%A', 'c=c0123456789ab'.padEnd(40, 'x'), 'c=c0123456789ab\n']) {
      expect(parseScene(bad)).toBeNull()
    }
  })

  test('property: parseScene never throws and answers an id of the right shape or null', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.webUrl()), raw => {
        const out = parseScene(raw)
        expect(out === null || /^c[0-9a-f]{12}$/.test(out)).toBe(true)
      }),
    )
  })
})

describe('first-90-day value and the grouping', () => {
  const joined = new Date('2026-11-01T02:00:00Z')
  const p = (memberId: string, dayOffset: number, amountFen: number, refundedFen = 0): ValuePurchase => ({ memberId, amountFen, refundedFen, createdAt: new Date(joined.getTime() + dayOffset * DAY) })

  test('net of refunds, from joining until 90 days later (the 90th day after is out)', () => {
    expect(firstValueFen(joined, [p('m', -1, 999), p('m', 0, 1000), p('m', 89.9, 500, 200), p('m', 90, 7777)])).toBe(1300)
  })

  test('rows per key: new members, buyers, value, average and windows still open', () => {
    const s = (memberId: string, channelId: string, storeId: string | null, staffOpenid: string | null, at = joined): SignupRow => ({ memberId, channelId, storeId, staffOpenid, at })
    const signups = [s('m1', 'cA', 'store_a', 'o_s1'), s('m2', 'cA', 'store_a', 'o_s1'), s('m3', 'cB', 'store_b', null, new Date(joined.getTime() - 200 * DAY)), s('m4', 'cC', null, null)]
    const bought = new Map([
      ['m1', [p('m1', 3, 5000)]],
      ['m3', [p('m3', -150, 1200)]],
    ])
    const now = new Date(joined.getTime() + 10 * DAY)
    const byChannel = attributionRows(
      signups,
      bought,
      now,
      x => x.channelId,
      k => `name ${k}`,
    )
    expect(byChannel).toEqual([
      { key: 'cA', name: 'name cA', newMembers: 2, buyers: 1, value90Fen: 5000, avgValue90Fen: 2500, openWindows: 2 },
      { key: 'cB', name: 'name cB', newMembers: 1, buyers: 1, value90Fen: 1200, avgValue90Fen: 1200, openWindows: 0 },
      { key: 'cC', name: 'name cC', newMembers: 1, buyers: 0, value90Fen: 0, avgValue90Fen: 0, openWindows: 1 },
    ])
    const byStaff = attributionRows(
      signups,
      bought,
      now,
      x => x.staffOpenid,
      k => k,
    )
    expect(byStaff.map(r => [r.key, r.newMembers])).toEqual([['o_s1', 2]])
  })
})
