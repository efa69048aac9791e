/** Churn scores are never stored out of range, and model parameters are refused outside where the models are defined. */
import { EMPTY_STATS, ModelParamsSchema, type MemberStats } from '../../types/analytics'
import { checkedChurnScore, churnScoreProblem, type ChurnScore } from '../../domain/churn'
import { scoreMember } from '../../domain/scoring'
import { newMember } from '../../domain/member'
import { DEFAULT_LIFECYCLE } from '../../types/analytics'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'

const NOW = new Date('2026-11-23T04:00:00.000Z')
const CDNOW = { bg: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gg: { p: 6.25, q: 3.74, gamma: 15.44 } }
const stats: MemberStats = {
  ...EMPTY_STATS,
  purchases: 40,
  purchaseDays: 40,
  firstPurchaseAt: new Date('2023-01-05T04:00:00.000Z'),
  lastPurchaseAt: new Date('2026-10-01T04:00:00.000Z'),
  lastPurchaseDay: '2026-10-01',
  spendFen: 400_000,
  firstDayFen: 10_000,
}
const signals = { checkin: null, lastLoginAt: NOW }

describe('model parameters', () => {
  const issues = (params: unknown) => {
    const r = ModelParamsSchema.safeParse(params)
    return r.success ? [] : r.error.issues.map(i => i.path.join('.'))
  }
  test('the published CDNOW fit is accepted', () => expect(issues(CDNOW)).toEqual([]))
  test.each([
    ['bg.r = 1000', { ...CDNOW, bg: { ...CDNOW.bg, r: 1000 } }, 'bg.r'],
    ['bg.r = 1e308', { ...CDNOW, bg: { ...CDNOW.bg, r: 1e308 } }, 'bg.r'],
    ['bg.alpha = 0', { ...CDNOW, bg: { ...CDNOW.bg, alpha: 0 } }, 'bg.alpha'],
    ['bg.a = 1 (E[Y] divides by a − 1)', { ...CDNOW, bg: { ...CDNOW.bg, a: 1 } }, 'bg.a'],
    ['bg.b = -1', { ...CDNOW, bg: { ...CDNOW.bg, b: -1 } }, 'bg.b'],
    ['gg.q = 0.5 (infinite mean spend)', { ...CDNOW, gg: { ...CDNOW.gg, q: 0.5 } }, 'gg.q'],
    ['gg.q = 1', { ...CDNOW, gg: { ...CDNOW.gg, q: 1 } }, 'gg.q'],
    ['gg.gamma = Infinity', { ...CDNOW, gg: { ...CDNOW.gg, gamma: Infinity } }, 'gg.gamma'],
  ])('%s is refused with a field error', (_name, params, path) => expect(issues(params)).toContain(path))
})

describe('the churn guard', () => {
  test('a sound score passes', () => {
    const { score, problem } = checkedChurnScore(stats, signals, CDNOW, NOW)
    expect(problem).toBeNull()
    expect(score).toMatchObject({ risk: expect.any(Number), clvFen: expect.any(Number) })
  })

  test.each([
    ['risk NaN', { risk: NaN }],
    ['pAlive above 1', { pAlive: 1.2 }],
    ['expectedPurchases Infinity', { expectedPurchases: Infinity }],
    ['clvFen negative', { clvFen: -3643 }],
  ])('%s is a problem', (_name, bad) => {
    const good: ChurnScore = { risk: 0.5, pAlive: 0.5, expectedPurchases: 1, clvFen: 100, reasons: [] }
    expect(churnScoreProblem(good)).toBeNull()
    expect(churnScoreProblem({ ...good, ...bad })).toMatch(Object.keys(bad)[0])
  })

  test('gg.q = 0.5 gives a one-time buyer a negative CLV: not stored, the reason given', () => {
    const one: MemberStats = { ...stats, purchases: 1, purchaseDays: 1, lastPurchaseDay: '2023-01-05', spendFen: 10_000 }
    const { score, problem } = checkedChurnScore(one, signals, { ...CDNOW, gg: { ...CDNOW.gg, q: 0.5 } }, NOW)
    expect(score).toBeNull()
    expect(problem).toMatch(/clvFen/)
  })

  test.each([
    ['bg.r = 1000', { ...CDNOW, bg: { ...CDNOW.bg, r: 1000 } }],
    ['bg.r = 1e308', { ...CDNOW, bg: { ...CDNOW.bg, r: 1e308 } }],
    ['bg.a = 1', { ...CDNOW, bg: { ...CDNOW.bg, a: 1 } }],
    ['gg.q = 0.5', { ...CDNOW, gg: { ...CDNOW.gg, q: 0.5 } }],
  ])('parameters outside the ranges (%s) give churn null with the reason, never garbage', (_name, params) => {
    const one: MemberStats = { ...stats, purchases: 1, purchaseDays: 1, lastPurchaseDay: '2023-01-05', spendFen: 10_000 }
    for (const s of [stats, one]) {
      const { score, problem } = checkedChurnScore(s, signals, params, NOW)
      if (score) expect(churnScoreProblem(score)).toBeNull()
      else expect(problem).toEqual(expect.any(String))
    }
    const m = { ...newMember('o_guard', '1000000009', new Date('2023-01-01T00:00:00.000Z')), stats }
    const scored = scoreMember(m, {
      ladder: DEFAULT_TIER_LADDER,
      lifecycle: DEFAULT_LIFECYCLE,
      cuts: { recencyDays: [30, 60, 90, 180], frequency: [1, 2, 3, 5], monetaryFen: [1, 2, 3, 4] },
      models: params,
      now: NOW,
      segments: [],
    })
    const churn = scored.patch.churn ?? null
    if (churn) expect(churnScoreProblem(churn)).toBeNull()
    else expect(scored.problems.length).toBeGreaterThan(0)
  })
})
