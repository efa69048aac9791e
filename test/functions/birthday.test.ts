/** 生日礼 through the SDK on the emulator: settings, the home card, claiming once per birthday year (domain/birthday.ts). */
import { setClock } from '../../scripts/emulator-process'
import { useEmulator, signUp, memberDoc, ledgerRows } from './support'

const env = useEmulator()

/** Pins the clock to a Shanghai day and time. */
const at = (day: string, time = '12:00:00') => setClock(env.emu, new Date(`${day}T${time}+08:00`).toISOString())
const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const setBirthday = async (openid: string, birthday: string) => {
  // the profile refuses a birthday in the future: set it with the clock at a day after it
  ok(await env.member({ action: 'updateProfile', patch: { birthday } }, openid))
}
const giftRows = async (openid: string) => (await env.db.collection('birthday_gifts').where({ memberId: openid }).get()).data

describe('settings', () => {
  test('the rules are validated: a coupon template must exist and list the birthday channel', async () => {
    ok(
      await env.admin({
        action: 'upsertCouponTemplate',
        template: { templateId: 'tpl-claim-only', name: '普通券', type: 'cash', valueFen: 500, validity: { kind: 'relative', days: 30 }, totalStock: 1000, channels: ['claim_center'] },
      }),
    )
    const wrongChannel = await env.admin({ action: 'setBirthdayGiftRules', rules: { enabled: true, points: 0, couponTemplateId: 'tpl-claim-only' } })
    expect(wrongChannel).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', issues: [{ path: 'rules.couponTemplateId' }] })
    const missing = await env.admin({ action: 'setBirthdayGiftRules', rules: { enabled: true, points: 0, couponTemplateId: 'tpl-nope' } })
    expect(missing).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    const nothing = await env.admin({ action: 'setBirthdayGiftRules', rules: { enabled: true, points: 0, couponTemplateId: null } })
    expect(nothing).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(ok(await env.admin({ action: 'getBirthdayGiftRules' }))).toMatchObject({ isDefault: true, rules: { enabled: false } })
  })

  test('设置 has a 生日礼 form generated from the schema, saved through setBirthdayGiftRules', async () => {
    const form = ok(await env.admin({ action: 'settingsForm', section: 'birthday' }))
    expect(form).toMatchObject({ section: 'birthday', title: '生日礼', save: { action: 'setBirthdayGiftRules', field: 'rules' }, value: { enabled: false, points: 0, couponTemplateId: null } })
    expect(Object.keys(form.schema.properties)).toEqual(['enabled', 'points', 'couponTemplateId'])
  })
})

describe('claiming', () => {
  beforeAll(async () => {
    ok(
      await env.admin({
        action: 'upsertCouponTemplate',
        template: {
          templateId: 'tpl-bday',
          name: '生日 20 元券',
          type: 'cash',
          valueFen: 2000,
          validity: { kind: 'relative', days: 30 },
          totalStock: 1000,
          perMemberLimit: 100,
          channels: ['birthday'],
        },
      }),
    )
    ok(await env.admin({ action: 'setBirthdayGiftRules', rules: { enabled: true, points: 200, couponTemplateId: 'tpl-bday' } }))
  })

  test('the card shows the week and the gift; outside the week the claim is refused with NOT_BIRTHDAY_WEEK', async () => {
    const m = 'o_bday_card'
    await at('2026-07-01')
    await signUp(env, m)
    expect(ok(await env.member({ action: 'birthdayGift' }, m))).toMatchObject({ enabled: true, hasBirthday: false, week: null, open: false })
    expect(await env.member({ action: 'claimBirthdayGift' }, m)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    await setBirthday(m, '1990-07-15')
    expect(ok(await env.member({ action: 'birthdayGift' }, m))).toEqual({
      enabled: true,
      hasBirthday: true,
      week: { year: 2026, day: '2026-07-15', from: '2026-07-12', to: '2026-07-18' },
      open: false,
      claimedAt: null,
      gift: { points: 200, couponName: '生日 20 元券' },
    })
    const early = await env.member({ action: 'claimBirthdayGift' }, m)
    expect(early).toMatchObject({ ok: false, code: 'NOT_BIRTHDAY_WEEK' })
    expect(early.message).toContain('2026-07-12 至 2026-07-18')
    await at('2026-07-19', '00:00:01')
    expect(await env.member({ action: 'claimBirthdayGift' }, m)).toMatchObject({ ok: false, code: 'NOT_BIRTHDAY_WEEK' })
    expect(await giftRows(m)).toEqual([])
    expect((await memberDoc(env, m)).points).toBe(0)
  })

  test('20 parallel claims in the week credit the gift once: one ledger row, one coupon, the rest ALREADY_EXISTS', async () => {
    const m = 'o_bday_race'
    await at('2026-07-01')
    await signUp(env, m)
    await setBirthday(m, '1992-07-15')
    await at('2026-07-12', '00:00:00')
    // the emulator's 8 instances are started first, a few at a time: the race is about the claims, not
    // about 8 cold starts at once on a busy machine (a first call loads the bundle within its time limit)
    const view = async () => {
      for (let attempt = 1; attempt <= 5; attempt++) if ((await env.member({ action: 'birthdayGift' }, m)).ok) return
    }
    for (const n of [2, 4, 6, 8]) await Promise.all(Array.from({ length: n }, view))
    // a time-out on a busy machine is "try again", as the app does: the answers that count come after
    const claim = async () => {
      for (let attempt = 1; ; attempt++) {
        const res = await env.member({ action: 'claimBirthdayGift' }, m)
        if (res.ok || !['CONFLICT', 'FUNCTIONS_TIME_LIMIT_EXCEEDED'].includes(res.code) || attempt === 5) return res
      }
    }
    const answers = await Promise.all(Array.from({ length: 20 }, claim))
    const wins = answers.filter(a => a.ok)
    // one answer credits (none only if the crediting call itself timed out after committing)
    expect(wins.length).toBeLessThanOrEqual(1)
    expect(answers.filter(a => !a.ok).map(a => a.code)).toEqual(Array(20 - wins.length).fill('ALREADY_EXISTS'))
    if (wins.length) expect(wins[0].data).toMatchObject({ pointsAwarded: 200, balance: 200, coupon: { name: '生日 20 元券' }, gift: { open: true, claimedAt: expect.any(String) } })

    const doc = await memberDoc(env, m)
    expect(doc.points).toBe(200)
    const rows = (await ledgerRows(env, m)).filter(r => r.sourceType === 'birthday')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ delta: 200, kind: 'earn', reason: '2026 年生日礼' })
    const { data: coupons } = await env.db.collection('coupons').where({ memberId: m, templateId: 'tpl-bday' }).get()
    expect(coupons).toHaveLength(1)
    expect(coupons[0].channel).toBe('birthday')
    expect(await giftRows(m)).toMatchObject([{ year: 2026, day: '2026-07-15', points: 200 }])

    // later in the same week: claimed, and the card says so
    await at('2026-07-18', '23:59:00')
    expect(await env.member({ action: 'claimBirthdayGift' }, m)).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    expect(ok(await env.member({ action: 'birthdayGift' }, m))).toMatchObject({ open: true, claimedAt: expect.any(String) })
    // the next year's week: claimable again
    await at('2027-07-13')
    expect(ok(await env.member({ action: 'birthdayGift' }, m))).toMatchObject({ open: true, claimedAt: null, week: { year: 2027 } })
    expect(ok(await env.member({ action: 'claimBirthdayGift' }, m))).toMatchObject({ balance: 400 })
    expect(await giftRows(m)).toHaveLength(2)
  }, 120_000)

  test('a week across New Year: claimed on 1 January for the old year, and the new year’s week is another claim', async () => {
    const m = 'o_bday_newyear'
    await at('2026-06-01')
    await signUp(env, m)
    await setBirthday(m, '1988-12-30')
    await at('2027-01-01', '08:00:00')
    const first = ok(await env.member({ action: 'claimBirthdayGift' }, m))
    expect(first.gift.week).toEqual({ year: 2026, day: '2026-12-30', from: '2026-12-27', to: '2027-01-02' })
    expect(await env.member({ action: 'claimBirthdayGift' }, m)).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' })
    await at('2027-12-28')
    expect(ok(await env.member({ action: 'claimBirthdayGift' }, m)).gift.week.year).toBe(2027)
  })

  test('a gift switched off is not claimable, and an export shows the claims', async () => {
    const m = 'o_bday_race'
    const exported = ok(await env.member({ action: 'exportMyData' }, m))
    expect(exported.birthdayGifts.map((g: any) => g.year).sort()).toEqual([2026, 2027])
    ok(await env.admin({ action: 'setBirthdayGiftRules', rules: { enabled: false, points: 200, couponTemplateId: 'tpl-bday' } }))
    await at('2028-07-15')
    expect(await env.member({ action: 'claimBirthdayGift' }, m)).toMatchObject({ ok: false, code: 'FAILED_PRECONDITION' })
    expect(ok(await env.member({ action: 'birthdayGift' }, m))).toMatchObject({ enabled: false })
  })
})
