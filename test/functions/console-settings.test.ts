/**
 * 设置 on the emulator: settingsForm answers each rule document's JSON Schema (zod 4) and current
 * value, in the shapes the console's form renderer reads (records, defaults, nullable, labels);
 * values the schema (or a refinement) refuses come back from the set actions as issues whose paths
 * name the field, and the form places each next to that field. Brand admins only.
 */
import { DEFAULT_CHECKIN_RULES } from '../../types/checkin'
import { DEFAULT_POINT_RULES } from '../../types/points'
import { DEFAULT_REMINDER_CONFIG } from '../../types/reminders'
import { DEFAULT_TASK_RULES } from '../../types/tasks'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'
import { kindOf, labelOf, toDraft, toWire, type JsonSchema } from '../../client/src/console/settings/json-schema'
import { fromEventPaths, placeIssues, validateDraft } from '../../client/src/console/settings/validate'
import { useEmulator, signUp, makeStaff } from './support'

const env = useEmulator()
const BOSS = 'o_set_boss'
const MGR = 'o_set_mgr'
const STAFF = 'o_set_staff'
const CONSUMER = 'o_set_consumer'
const STORE = 'store_set'

const ok = (res: any) => {
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.data
}
const form = async (section: string, caller: string | undefined = BOSS) => ok(await env.admin({ action: 'settingsForm', section }, caller))

beforeAll(async () => {
  await env.db.collection('admins').add({ data: { _id: BOSS, name: 'boss' } })
  for (const id of [BOSS, MGR, CONSUMER]) await signUp(env, id)
  await makeStaff(env, STAFF, STORE, '店员')
  ok(await env.admin({ action: 'appointManager', openid: MGR, storeId: STORE, name: '店长' }))
}, 60_000)

/** Every property of every object in the schema, with its path. */
function properties(schema: JsonSchema, path = ''): Array<{ path: string; schema: JsonSchema }> {
  const kind = kindOf(schema)
  if (kind === 'nullable')
    return properties(
      schema.anyOf!.find(s => s.type !== 'null')!,
      path,
    )
  if (kind === 'array') return properties(schema.items!, `${path}[]`)
  if (kind === 'record') return properties(schema.additionalProperties as JsonSchema, `${path}{}`)
  if (kind !== 'object') return []
  return Object.entries(schema.properties ?? {}).flatMap(([k, s]) => [{ path: path ? `${path}.${k}` : k, schema: s }, ...properties(s, path ? `${path}.${k}` : k)])
}

const SECTIONS = [
  ['points', 'setPointRules', 'rules', DEFAULT_POINT_RULES, '积分规则'],
  ['checkin', 'setCheckinRules', 'rules', DEFAULT_CHECKIN_RULES, '签到规则'],
  ['tasks', 'setTaskRules', 'rules', DEFAULT_TASK_RULES, '任务规则'],
  ['tiers', 'setTierLadder', 'ladder', DEFAULT_TIER_LADDER, '会员等级'],
  ['reminders', 'setReminderConfig', 'config', DEFAULT_REMINDER_CONFIG, '提醒设置'],
] as const

describe('settingsForm', () => {
  test.each(SECTIONS)('%s: a JSON Schema with a Chinese label on every field, and the current value (the defaults)', async (section, action, field, defaults, title) => {
    const f = await form(section)
    expect(f).toMatchObject({ section, title, save: { action, field }, isDefault: true, updatedAt: null })
    expect(f.value).toEqual(JSON.parse(JSON.stringify(defaults)))
    expect(f.schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' })
    expect(Object.keys(f.schema.properties).sort()).toEqual(Object.keys(defaults).sort())
    const unlabelled = properties(f.schema).filter(p => labelOf(p.schema, '') === '')
    expect(unlabelled.map(p => p.path)).toEqual([])
    // the renderer reads the served value as valid and gives it back unchanged
    const draft = toDraft(f.schema, f.value)
    expect(validateDraft(f.schema, draft)).toEqual([])
    expect(toWire(f.schema, draft)).toEqual(f.value)
  })

  test('how zod 4 represents records, defaults, nullable, enums with labels and patterns', async () => {
    const points = (await form('points')).schema
    expect(points.properties.storeMultipliers).toMatchObject({
      type: 'object',
      propertyNames: { type: 'string', minLength: 1, description: '门店编号' },
      additionalProperties: { type: 'number', minimum: 0, maximum: 10 },
      title: '门店倍数',
    })
    expect(points.properties.storeMultipliers.properties).toBeUndefined()
    expect(points.properties.rounding).toMatchObject({ enum: ['floor', 'round', 'ceil'], enumLabels: { floor: '向下取整' } })
    expect(points.properties.promotions.items.properties.start).toMatchObject({ type: 'string', format: 'date-time', pattern: expect.any(String) })
    // input side: a field with a default is optional and says its default
    const reward = (await form('tasks')).schema.properties.referral.properties.inviter
    expect(reward.properties.points).toMatchObject({ type: 'integer', default: 0 })
    expect(reward.required ?? []).not.toContain('points')
    const checkin = (await form('checkin')).schema
    expect(kindOf(checkin.properties.cycleDays)).toBe('nullable')
    expect(checkin.properties.cycleDays.anyOf).toEqual(expect.arrayContaining([{ type: 'null' }]))
    const reminders = (await form('reminders')).schema
    expect(kindOf(reminders.properties.kinds.properties.coupon_expiring.properties.templateId)).toBe('choice')
    expect(reminders.properties.priority).toMatchObject({ minItems: 8, maxItems: 8, items: { enum: expect.any(Array), enumLabels: expect.objectContaining({ birthday: '生日福利' }) } })
  })

  test('brand admins only; an unknown section is INVALID_ARGUMENT', async () => {
    for (const caller of [MGR, STAFF, CONSUMER]) expect(await env.admin({ action: 'settingsForm', section: 'points' }, caller)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
    expect(await env.admin({ action: 'settingsForm', section: 'points' })).toMatchObject({ ok: true })
    expect(await env.admin({ action: 'settingsForm', section: 'lifecycle' }, BOSS)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', issues: [{ path: 'section' }] })
  })
})

describe('the set actions refuse what the schema refuses, with issues whose paths name the field', () => {
  const tierLadder = JSON.parse(JSON.stringify(DEFAULT_TIER_LADDER))
  const cases: Array<[string, string, string, unknown, string, string, RegExp | null]> = [
    // [name, section, action, value, issue path, where the form shows it, message (null: zod's own)]
    ['a record value over its maximum', 'points', 'setPointRules', { ...DEFAULT_POINT_RULES, storeMultipliers: { store_x: 20 } }, 'rules.storeMultipliers.store_x', 'storeMultipliers.store_x', null],
    [
      'a promotion ending before it starts (refinement)',
      'points',
      'setPointRules',
      { ...DEFAULT_POINT_RULES, promotions: [{ name: '倒挂', start: '2026-11-12T00:00:00+08:00', end: '2026-11-11T00:00:00+08:00', multiplier: 2 }] },
      'rules.promotions.0',
      'promotions.0',
      /结束时间必须晚于开始时间/,
    ],
    [
      'a record key with a dot (function check)',
      'points',
      'setPointRules',
      { ...DEFAULT_POINT_RULES, categoryMultipliers: { 'a.b': 2 } },
      'rules.categoryMultipliers',
      'categoryMultipliers',
      /键不能包含/,
    ],
    ['a cycle of 1 day', 'checkin', 'setCheckinRules', { ...DEFAULT_CHECKIN_RULES, cycleDays: 1 }, 'rules.cycleDays', 'cycleDays', null],
    [
      'a repeated bonus day (refinement)',
      'checkin',
      'setCheckinRules',
      {
        ...DEFAULT_CHECKIN_RULES,
        streakBonuses: [
          { day: 7, points: 1 },
          { day: 7, points: 2 },
        ],
      },
      'rules.streakBonuses',
      'streakBonuses',
      /天数不能重复/,
    ],
    [
      'a repeated task (refinement on the document)',
      'tasks',
      'setTaskRules',
      { ...DEFAULT_TASK_RULES, tasks: [DEFAULT_TASK_RULES.tasks[0], DEFAULT_TASK_RULES.tasks[0]] },
      'rules.tasks',
      'tasks',
      /任务不能重复/,
    ],
    [
      'a negative reward',
      'tasks',
      'setTaskRules',
      { ...DEFAULT_TASK_RULES, referral: { ...DEFAULT_TASK_RULES.referral, inviter: { points: -1 } } },
      'rules.referral.inviter.points',
      'referral.inviter.points',
      null,
    ],
    [
      'thresholds not increasing (refinement)',
      'tiers',
      'setTierLadder',
      { ...tierLadder, tiers: [tierLadder.tiers[0], { ...tierLadder.tiers[1], threshold: 0 }] },
      'ladder.tiers',
      'tiers',
      /严格递增/,
    ],
    ['a tier id with capitals', 'tiers', 'setTierLadder', { ...tierLadder, tiers: [{ ...tierLadder.tiers[0], tierId: 'Base' }] }, 'ladder.tiers.0.tierId', 'tiers.0.tierId', null],
    [
      'a reminder enabled without its template (superRefine)',
      'reminders',
      'setReminderConfig',
      { ...DEFAULT_REMINDER_CONFIG, kinds: { ...DEFAULT_REMINDER_CONFIG.kinds, coupon_expiring: { ...DEFAULT_REMINDER_CONFIG.kinds.coupon_expiring, enabled: true } } },
      'config.kinds.coupon_expiring.templateId',
      'kinds.coupon_expiring.templateId',
      /模板 ID/,
    ],
    ['quiet hours starting and ending alike', 'reminders', 'setReminderConfig', { ...DEFAULT_REMINDER_CONFIG, quietHours: { start: '21:00', end: '21:00' } }, 'config.quietHours', 'quietHours', null],
  ]

  test.each(cases)('%s', async (_name, section, action, value, path, shownAt, message) => {
    const field = action === 'setTierLadder' ? 'ladder' : action === 'setReminderConfig' ? 'config' : 'rules'
    const res = await env.admin({ action, [field]: value }, BOSS)
    expect(res).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    const issue = res.issues.find((i: any) => i.path === path)
    expect({ paths: res.issues.map((i: any) => i.path), found: !!issue }).toEqual({ paths: expect.arrayContaining([path]), found: true })
    if (message) expect(issue.message).toMatch(message)
    // the 设置 form puts it next to the field it names
    const { schema } = await form(section)
    const placed = placeIssues(schema, toDraft(schema, value), fromEventPaths(field, res.issues))
    expect(placed.get(shownAt)).toEqual(expect.arrayContaining([issue.message]))
  })

  test('nothing was saved', async () => {
    for (const [section] of SECTIONS) expect((await form(section)).isDefault).toBe(true)
  })
})

test('after a save it answers the saved value', async () => {
  const rules = { ...DEFAULT_POINT_RULES, pointsPerYuan: 2, storeMultipliers: { [STORE]: 1.5 } }
  ok(await env.admin({ action: 'setPointRules', rules }, BOSS))
  const f = await form('points')
  expect(f).toMatchObject({ isDefault: false, updatedAt: expect.any(String), value: rules })
  ok(await env.admin({ action: 'setPointRules', rules: DEFAULT_POINT_RULES }, BOSS))
})

test('a rule doc broken by a hand edit refuses the actions that need it, and saving valid rules repairs it (the audit keeps what was there)', async () => {
  await env.db
    .collection('settings')
    .doc('checkinRules')
    .set({ data: { rules: { basePoints: '十' }, updatedAt: new Date() } })
  await signUp(env, 'o_set_broken')
  // read uncached by the console: refused, as a check-in would be (its instance reads within 30 s)
  expect(await env.admin({ action: 'settingsForm', section: 'checkin' }, BOSS)).toMatchObject({ ok: false, code: 'INTERNAL' })
  ok(await env.admin({ action: 'setCheckinRules', rules: DEFAULT_CHECKIN_RULES }, BOSS))
  expect(await env.member({ action: 'checkIn' }, 'o_set_broken')).toMatchObject({ ok: true, data: { credited: true } })
  const { data } = await env.db.collection('audit_log').where({ action: 'setCheckinRules' }).orderBy('at', 'desc').limit(1).get()
  expect(data[0].before).toEqual({ basePoints: '十' })
})
