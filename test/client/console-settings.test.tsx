import { useState } from 'react'
import { fireEvent, render, waitFor, within } from '@testing-library/react'
import { z } from 'zod'
import Taro from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import ConsoleSettingsPage from '../../client/src/console/settings/index'
import SchemaForm from '../../client/src/console/settings/schema-form'
import { toDraft, toWire, type JsonSchema } from '../../client/src/console/settings/json-schema'
import { fromEventPaths, placeIssues, validateDraft } from '../../client/src/console/settings/validate'
import { ok } from './fixtures'
import { eventsFor, failure, routeCalls } from './backend'
import { CheckinRulesSchema, DEFAULT_CHECKIN_RULES } from '../../types/checkin'
import { DEFAULT_POINT_RULES, PointRulesSchema } from '../../types/points'
import { DEFAULT_REMINDER_CONFIG, ReminderConfigSchema } from '../../types/reminders'
import { DEFAULT_TASK_RULES, TaskRulesSchema } from '../../types/tasks'
import { DEFAULT_TIER_LADDER, TierLadderSchema } from '../../types/tiers'
import type { SettingsForm } from '../../types/console'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const type = (id: string, value: string) => fireEvent.change(byId(id), { target: { value } })
const pick = (id: string, index: number) => fireEvent.change(within(byId(id)).getByTestId('picker-selector'), { target: { value: String(index) } })

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
})

/** What zod 4's z.toJSONSchema makes of a small rule document (input side): a record, a nullable, defaults, labels. */
const SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    perYuan: { type: 'number', minimum: 0, maximum: 100, title: '每元积分', description: '每消费 1 元得多少积分' },
    months: { type: 'integer', minimum: 1, maximum: 60, description: '有效期（月）' },
    rounding: { type: 'string', enum: ['floor', 'round', 'ceil'], title: '取整方式', enumLabels: { floor: '向下取整', round: '四舍五入', ceil: '向上取整' } },
    enabled: { type: 'boolean', description: '启用' },
    cycle: { anyOf: [{ type: 'integer', minimum: 2, maximum: 366 }, { type: 'null' }], title: '签到周期（天）' },
    stores: {
      type: 'object',
      propertyNames: { type: 'string', minLength: 1, description: '门店编号' },
      additionalProperties: { type: 'number', minimum: 0, maximum: 10, description: '倍数' },
      title: '门店倍数',
    },
    promotions: {
      type: 'array',
      maxItems: 2,
      items: {
        type: 'object',
        properties: { name: { type: 'string', minLength: 1, maxLength: 40, description: '活动名称' }, multiplier: { type: 'number', minimum: 1, maximum: 10, description: '倍数' } },
        required: ['name', 'multiplier'],
        additionalProperties: false,
        description: '活动',
      },
      title: '限时活动',
    },
    perks: { default: [], type: 'array', items: { type: 'string', minLength: 1, maxLength: 40, description: '权益' }, description: '权益说明' },
    note: { type: 'string', maxLength: 20, description: '备注' },
  },
  required: ['perYuan', 'months', 'rounding', 'enabled', 'cycle', 'stores', 'promotions'],
  additionalProperties: false,
}
const VALUE = { perYuan: 1, months: 12, rounding: 'floor', enabled: true, cycle: 30, stores: { s1: 1.5 }, promotions: [{ name: '双十一', multiplier: 2 }], perks: [] }

/** The form over a draft of VALUE; every edit reports the value the set action would get. */
function Harness(props: { onValue: (v: any) => void; issues?: Array<{ path: string; message: string }> }) {
  const [draft, setDraft] = useState(() => toDraft(SCHEMA, VALUE))
  const errors = placeIssues(SCHEMA, draft, props.issues ?? [])
  return (
    <SchemaForm
      idPrefix='t'
      schema={SCHEMA}
      value={draft}
      errors={errors}
      onChange={d => {
        setDraft(d)
        props.onValue(toWire(SCHEMA, d))
      }}
    />
  )
}

describe('设置: the form renderer', () => {
  it('builds a labelled input per field from the JSON Schema, showing the value', () => {
    render(<Harness onValue={() => {}} />)
    expect(byId('t-perYuan')).toHaveValue('1')
    expect(byId('t-perYuan')).toHaveAttribute('data-type', 'digit')
    expect(byId('t-months')).toHaveAttribute('data-type', 'number')
    expect(byId('t-months')).toHaveAttribute('placeholder', '1–60')
    const field = (id: string) => byId(id).closest('.settings-field') as HTMLElement
    expect(field('t-perYuan')).toHaveTextContent('每元积分')
    expect(field('t-perYuan')).toHaveTextContent('每消费 1 元得多少积分')
    expect(field('t-months')).toHaveTextContent('有效期（月）')
    expect(byId('t-rounding-text')).toHaveTextContent('向下取整（floor）')
    expect(byId('t-enabled')).toBeChecked()
    expect(byId('t-cycle-set')).toBeChecked()
    expect(byId('t-cycle')).toHaveValue(30) // an integer ≥ 0: the number keypad (type=number)
    expect(byId('t-stores')).toHaveTextContent('门店倍数')
    expect(byId('t-stores-0-key')).toHaveValue('s1')
    expect(byId('t-stores-0-value')).toHaveValue('1.5')
    expect(byId('t-promotions-0-name')).toHaveValue('双十一')
    expect(byId('t-promotions-0-multiplier')).toHaveValue('2')
    expect(field('t-note')).toHaveTextContent('备注（选填）')
    expect(byId('t-perks')).toHaveTextContent('暂无')
  })

  it('edits produce the value the set action takes', () => {
    const onValue = jest.fn()
    render(<Harness onValue={onValue} />)
    const last = () => onValue.mock.calls[onValue.mock.calls.length - 1][0]
    type('t-perYuan', '2.5')
    expect(last().perYuan).toBe(2.5)
    pick('t-rounding', 2)
    expect(last().rounding).toBe('ceil')
    fireEvent.click(byId('t-enabled'))
    expect(last().enabled).toBe(false)
    fireEvent.click(byId('t-cycle-set'))
    expect(last().cycle).toBeNull()
    expect(byId('t-cycle')).toBeNull()
    type('t-stores-0-key', 's2')
    type('t-stores-0-value', '3')
    fireEvent.click(byId('t-stores-add'))
    type('t-stores-1-key', 's3')
    type('t-stores-1-value', '0.5')
    expect(last().stores).toEqual({ s2: 3, s3: 0.5 })
    type('t-note', '备注一')
    expect(last().note).toBe('备注一')
    type('t-note', '')
    expect(last()).not.toHaveProperty('note')
    fireEvent.click(byId('t-stores-0-remove'))
    expect(last()).toEqual({ perYuan: 2.5, months: 12, rounding: 'ceil', enabled: false, cycle: null, stores: { s3: 0.5 }, promotions: [{ name: '双十一', multiplier: 2 }], perks: [] })
  })

  it('adds, removes and moves array rows within maxItems', () => {
    const onValue = jest.fn()
    render(<Harness onValue={onValue} />)
    const last = () => onValue.mock.calls[onValue.mock.calls.length - 1][0]
    fireEvent.click(byId('t-promotions-add'))
    expect(byId('t-promotions-1-name')).toHaveValue('')
    // maxItems 2: no more 添加
    expect(byId('t-promotions-add')).toBeNull()
    type('t-promotions-1-name', '周年庆')
    type('t-promotions-1-multiplier', '3')
    fireEvent.click(byId('t-promotions-1-up'))
    expect(last().promotions).toEqual([
      { name: '周年庆', multiplier: 3 },
      { name: '双十一', multiplier: 2 },
    ])
    fireEvent.click(byId('t-promotions-0-remove'))
    expect(last().promotions).toEqual([{ name: '双十一', multiplier: 2 }])
    expect(byId('t-promotions-add')).toBeInTheDocument()
    fireEvent.click(byId('t-perks-add'))
    type('t-perks-0', '生日礼')
    expect(last().perks).toEqual(['生日礼'])
  })

  it("puts each issue next to the field its path names: the function's (event paths) and the form's own", () => {
    const issues = fromEventPaths('rules', [
      { path: 'rules.stores.s1', message: '倍数太大' },
      { path: 'rules.promotions.0', message: '活动结束时间必须晚于开始时间' },
      { path: 'rules.promotions.0.name', message: '名称不对' },
      { path: 'rules.stores.gone', message: '落到门店倍数上' },
      { path: 'rules', message: '整份规则有误' },
    ])
    render(<Harness onValue={() => {}} issues={issues} />)
    expect(byId('t-stores-0-value-error')).toHaveTextContent('倍数太大')
    expect(byId('t-promotions-0-error')).toHaveTextContent('活动结束时间必须晚于开始时间')
    expect(byId('t-promotions-0-name-error')).toHaveTextContent('名称不对')
    expect(byId('t-stores-error')).toHaveTextContent('落到门店倍数上')
    expect(byId('t-error')).toHaveTextContent('整份规则有误')
    expect(byId('t-perYuan-error')).toBeNull()
  })

  it('checks what the schema says, in Chinese, before anything is sent', () => {
    const draft = toDraft(SCHEMA, { ...VALUE, perYuan: 200, months: 1.5, promotions: [{ name: '', multiplier: 2 }] }) as any
    draft.stores.push({ key: 's1', value: '2' }, { key: '', value: '1' })
    const messages = Object.fromEntries(placeIssues(SCHEMA, draft, validateDraft(SCHEMA, draft)))
    expect(messages).toEqual({
      perYuan: ['不能大于 100'],
      months: ['请输入整数'],
      'stores.s1': ['键「s1」重复'],
      stores: ['有一行的键没有填写'],
      'promotions.0.name': ['请填写'],
    })
    expect(validateDraft(SCHEMA, toDraft(SCHEMA, VALUE))).toEqual([])
  })
})

describe('设置: every rule document', () => {
  const documents = [
    ['积分规则', PointRulesSchema, DEFAULT_POINT_RULES],
    ['签到规则', CheckinRulesSchema, DEFAULT_CHECKIN_RULES],
    ['任务规则', TaskRulesSchema, DEFAULT_TASK_RULES],
    ['会员等级', TierLadderSchema, DEFAULT_TIER_LADDER],
    ['提醒设置', ReminderConfigSchema, DEFAULT_REMINDER_CONFIG],
  ] as const
  it.each(documents)('%s renders with every field editable and saves its value unchanged', (_name, zodSchema, value) => {
    const schema = z.toJSONSchema(zodSchema, { io: 'input' }) as JsonSchema
    const onValue = jest.fn()
    function Form() {
      const [draft, setDraft] = useState(() => toDraft(schema, value))
      return (
        <SchemaForm
          idPrefix='d'
          schema={schema}
          value={draft}
          errors={new Map()}
          onChange={d => {
            setDraft(d)
            onValue(toWire(schema, d))
          }}
        />
      )
    }
    const { container } = render(<Form />)
    expect(container.querySelectorAll('.settings-readonly')).toHaveLength(0)
    expect(container.querySelectorAll('input').length).toBeGreaterThanOrEqual(3)
    // every field has a label or sits in a labelled row
    const unlabelled = Array.from(container.querySelectorAll('.settings-field')).filter(f => !f.querySelector('.settings-label') && !f.closest('.settings-nullable'))
    expect(unlabelled).toHaveLength(0)
    expect(validateDraft(schema, toDraft(schema, value))).toEqual([])
    expect(toWire(schema, toDraft(schema, value))).toEqual(JSON.parse(JSON.stringify(value)))
  })
})

function formOf(section: 'points' | 'tiers', overrides: Partial<SettingsForm> = {}): SettingsForm {
  const [schema, value, save, title] =
    section === 'points'
      ? [PointRulesSchema, DEFAULT_POINT_RULES, { action: 'setPointRules', field: 'rules' } as const, '积分规则']
      : [TierLadderSchema, DEFAULT_TIER_LADDER, { action: 'setTierLadder', field: 'ladder' } as const, '会员等级']
  return { section, title, save, schema: z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>, value, isDefault: true, updatedAt: null, ...overrides }
}

describe('设置: the page', () => {
  it('loads the section from settingsForm, refuses a bad value itself, saves a good one through the set action', async () => {
    routeCalls(call, { 'admin.settingsForm': e => ok(formOf(e.section as 'points')), 'admin.setPointRules': e => ok({ rules: e.rules }) })
    render(<ConsoleSettingsPage />)
    await waitFor(() => expect(byId('settings-form-pointsPerYuan')).toHaveValue('1'))
    expect(eventsFor(call, 'admin.settingsForm')).toEqual([{ action: 'settingsForm', section: 'points' }])
    expect(byId('settings-status')).toHaveTextContent('当前为默认规则')
    expect(byId('settings-section-points')).toHaveAttribute('aria-selected', 'true')

    fireEvent.click(byId('settings-form-storeMultipliers-add'))
    type('settings-form-storeMultipliers-0-key', 'store_x')
    type('settings-form-storeMultipliers-0-value', '20')
    fireEvent.click(byId('settings-save'))
    expect(byId('settings-form-storeMultipliers-0-value-error')).toHaveTextContent('不能大于 10')
    expect(byId('settings-save-error')).toHaveTextContent('有 1 处需要修改')
    expect(eventsFor(call, 'admin.setPointRules')).toEqual([])

    // once shown, the errors follow the edits
    type('settings-form-storeMultipliers-0-value', '1.5')
    expect(byId('settings-form-storeMultipliers-0-value-error')).toBeNull()
    type('settings-form-pointsPerYuan', '2')
    fireEvent.click(byId('settings-save'))
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith({ title: '已保存', icon: 'success' }))
    expect(eventsFor(call, 'admin.setPointRules')).toEqual([{ action: 'setPointRules', rules: { ...DEFAULT_POINT_RULES, pointsPerYuan: 2, storeMultipliers: { store_x: 1.5 } } }])
    await waitFor(() => expect(eventsFor(call, 'admin.settingsForm')).toHaveLength(2))
    expect(byId('settings-save-error')).toBeNull()
  })

  it("shows the function's issues (a refinement the schema cannot carry) next to the field they name", async () => {
    const refused = { ...failure('INVALID_ARGUMENT', 'rules.promotions.0: 活动结束时间必须晚于开始时间'), issues: [{ path: 'rules.promotions.0', message: '活动结束时间必须晚于开始时间' }] }
    routeCalls(call, { 'admin.settingsForm': ok(formOf('points')), 'admin.setPointRules': refused })
    render(<ConsoleSettingsPage />)
    await waitFor(() => expect(byId('settings-form-promotions-add')).toBeInTheDocument())
    fireEvent.click(byId('settings-form-promotions-add'))
    type('settings-form-promotions-0-name', '倒挂活动')
    type('settings-form-promotions-0-start', '2026-11-12T00:00:00+08:00')
    type('settings-form-promotions-0-end', '2026-11-11T00:00:00+08:00')
    type('settings-form-promotions-0-multiplier', '2')
    fireEvent.click(byId('settings-save'))
    await waitFor(() => expect(byId('settings-form-promotions-0-error')).toHaveTextContent('活动结束时间必须晚于开始时间'))
    expect(eventsFor(call, 'admin.setPointRules')[0].rules).toMatchObject({ promotions: [{ name: '倒挂活动', start: '2026-11-12T00:00:00+08:00', end: '2026-11-11T00:00:00+08:00', multiplier: 2 }] })
    expect(byId('settings-save-error')).toHaveTextContent('活动结束时间必须晚于开始时间')
    // 撤销修改 goes back to the loaded value
    fireEvent.click(byId('settings-reset'))
    expect(byId('settings-form-promotions-0-name')).toBeNull()
  })

  it('switches sections (asking before dropping unsaved edits)', async () => {
    routeCalls(call, { 'admin.settingsForm': e => ok(formOf(e.section as 'points' | 'tiers')) })
    render(<ConsoleSettingsPage />)
    await waitFor(() => expect(byId('settings-form-pointsPerYuan')).toBeInTheDocument())
    type('settings-form-pointsPerYuan', '3')
    ;(Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true })
    fireEvent.click(byId('settings-section-tiers'))
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(1))
    expect(byId('settings-form-pointsPerYuan')).toHaveValue('3')
    fireEvent.click(byId('settings-section-tiers'))
    await waitFor(() => expect(byId('settings-form-tiers-0-name')).toHaveValue('普通会员'))
    expect(eventsFor(call, 'admin.settingsForm').map(e => e.section)).toEqual(['points', 'tiers'])
    expect(byId('settings-form-tiers-3-benefits-title')).toHaveValue('首席体验官')
    expect(byId('settings-form-tiers-0-benefits-perks-0')).toHaveValue('生日礼')
    expect(byId('settings-section-tiers')).toHaveAttribute('aria-selected', 'true')
  })

  it('a store manager (PERMISSION_DENIED) gets 无管理权限; a failure can be retried', async () => {
    routeCalls(call, { 'admin.settingsForm': failure('PERMISSION_DENIED', '仅管理员可调用') })
    const { unmount } = render(<ConsoleSettingsPage />)
    await waitFor(() => expect(byId('console-denied')).toHaveTextContent('无管理权限'))
    unmount()

    routeCalls(call, { 'admin.settingsForm': failure('INTERNAL', '服务暂时不可用') })
    render(<ConsoleSettingsPage />)
    await waitFor(() => expect(byId('settings-error')).toHaveTextContent('服务暂时不可用'))
    routeCalls(call, { 'admin.settingsForm': ok(formOf('points')) })
    fireEvent.click(byId('settings-retry'))
    await waitFor(() => expect(byId('settings-form-pointsPerYuan')).toBeInTheDocument())
  })
})
