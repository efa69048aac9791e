import { act, fireEvent, render, waitFor, within } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import ConsoleSegmentsPage, { COMPUTING_POLL_MS } from '../../client/src/console/segments/index'
import { checkDraft, draftFromRule, ruleSummary, toCondition } from '../../client/src/console/segments/rule-convert'
import type { ConditionDraft } from '../../client/src/console/segments/rule-draft'
import { deferred, ok } from './fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import { DEFAULT_TIER_LADDER } from '../../types/tiers'
import type { Result } from '../../types/result'
import type { SegmentOutputs, SegmentView } from '../../types/segments'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
/** Picks option `index` of the picker inside `id` (the Picker double's input). */
const pick = (id: string, index: number) => fireEvent.change(within(byId(id)).getByTestId('picker-selector'), { target: { value: String(index) } })
const type = (id: string, value: string) => fireEvent.change(byId(id), { target: { value } })
/** past the 400 ms debounce, with room for a slow machine */
const SETTLE = { timeout: 3000 }
const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))

const TIERS = ok({ rules: DEFAULT_TIER_LADDER })
const preview = (count: number, nickname = '小爱', sampled = 0): Result<SegmentOutputs['previewSegment']> =>
  ok({ count, estimated: sampled > 0, sampled, membership: null, sample: [{ openid: 'o_1', memberNo: '1000000001', nickname, tierId: 'gold', stage: 'sleeping', tags: ['大客户'] }] })
const SLEEPING_GOLD: SegmentView = {
  segmentId: 'sleeping-gold',
  name: '沉睡金卡',
  rule: {
    all: [
      { field: 'stage', op: 'eq', value: 'sleeping' },
      { field: 'tierId', op: 'in', value: ['gold', 'black'] },
      { field: 'stats.lastPurchaseAt', op: 'lt', value: { daysAgo: 90 } },
    ],
    any: [],
  },
  updatedAt: '2024-03-04T06:05:00.000Z',
  membership: { state: 'ready', visited: 5000, asOf: '2024-03-04T06:05:01.000Z' },
}
const EXPORT = ok({
  fileId: 'cloud://local.b/exports/o_boss/segment-sleeping-gold-1.csv',
  url: 'http://127.0.0.1:9000/storage/b/exports/o_boss/segment-sleeping-gold-1.csv?expires=1&sign=abc',
  expiresAt: '2024-03-05T02:10:00.000Z',
  rows: 1234,
})

function renderPage(handlers: Handlers = {}) {
  routeCalls(call, { 'admin.listSegments': ok({ segments: [] }), 'admin.getTierLadder': TIERS, 'admin.previewSegment': preview(1234), ...handlers })
  return render(<ConsoleSegmentsPage />)
}

beforeEach(() => {
  call.mockReset()
})

describe('人群: the rule builder and its live preview', () => {
  it('asks previewSegment once, after the last change, with the rule built, and shows the count and sample', async () => {
    renderPage()
    await waitFor(() => expect(byId('segments-list-empty')).toBeInTheDocument())
    expect(byId('segments-preview-hint')).toHaveTextContent('补全条件')

    fireEvent.click(byId('segments-cond-0-opt-sleeping'))
    fireEvent.click(byId('segments-add-condition'))
    pick('segments-cond-1-field', 3) // 积分
    expect(byId('segments-cond-1-field')).toHaveTextContent('积分')
    expect(byId('segments-cond-1-op')).toHaveTextContent('≥')
    // typing on: each change waits 400 ms anew, so nothing is asked in between
    type('segments-cond-1-value', '1')
    await act(() => sleep(250))
    type('segments-cond-1-value', '100')
    await act(() => sleep(250))
    expect(eventsFor(call, 'admin.previewSegment')).toEqual([])

    await waitFor(() => expect(byId('segments-preview-count')).toHaveTextContent('共 1,234 人'), SETTLE)
    expect(eventsFor(call, 'admin.previewSegment')).toEqual([
      {
        action: 'previewSegment',
        rule: {
          all: [
            { field: 'stage', op: 'eq', value: 'sleeping' },
            { field: 'points', op: 'gte', value: 100 },
          ],
          any: [],
        },
        sample: 10,
      },
    ])
    const row = byId('segments-sample-1000000001')
    expect(row).toHaveTextContent('小爱')
    expect(row).toHaveTextContent('金卡会员')
    expect(row).toHaveTextContent('沉睡')

    fireEvent.click(byId('segments-match-any'))
    await waitFor(() => expect(eventsFor(call, 'admin.previewSegment')).toHaveLength(2), SETTLE)
    expect(eventsFor(call, 'admin.previewSegment')[1].rule).toEqual({
      all: [],
      any: [
        { field: 'stage', op: 'eq', value: 'sleeping' },
        { field: 'points', op: 'gte', value: 100 },
      ],
    })
  })

  it('drops an answer that arrives after a newer rule was asked', async () => {
    const first = deferred<Result<SegmentOutputs['previewSegment']>>()
    const second = deferred<Result<SegmentOutputs['previewSegment']>>()
    const answers = [first.promise, second.promise]
    renderPage({ 'admin.previewSegment': () => answers.shift()! })
    fireEvent.click(byId('segments-cond-0-opt-sleeping'))
    await waitFor(() => expect(eventsFor(call, 'admin.previewSegment')).toHaveLength(1), SETTLE)
    expect(byId('segments-preview-loading')).toBeInTheDocument()

    fireEvent.click(byId('segments-cond-0-opt-active'))
    await waitFor(() => expect(eventsFor(call, 'admin.previewSegment')).toHaveLength(2), SETTLE)
    expect(eventsFor(call, 'admin.previewSegment')[1].rule).toEqual({ all: [{ field: 'stage', op: 'eq', value: 'active' }], any: [] })
    await act(async () => second.resolve(preview(22, '新的')))
    await waitFor(() => expect(byId('segments-preview-count')).toHaveTextContent('共 22 人'))
    await act(async () => first.resolve(preview(11, '旧的')))
    expect(byId('segments-preview-count')).toHaveTextContent('共 22 人')
    expect(byId('segments-sample-1000000001')).toHaveTextContent('新的')
  })

  it('a large brand sees an estimate (约) and how many members it was counted over; a saved segment still computing says so', async () => {
    const computing: SegmentView = { ...SLEEPING_GOLD, membership: { state: 'computing', visited: 120000, asOf: null } }
    renderPage({ 'admin.previewSegment': preview(31234, '小爱', 10000), 'admin.listSegments': ok({ segments: [computing] }) })
    await waitFor(() => expect(byId('segments-membership-sleeping-gold')).toHaveTextContent('成员计算中：已核对 120,000 位会员'))
    fireEvent.click(byId('segments-cond-0-opt-sleeping'))
    await waitFor(() => expect(byId('segments-preview-count')).toHaveTextContent('约 31,234 人'), SETTLE)
    expect(byId('segments-preview-estimate')).toHaveTextContent('按 10,000 位会员抽样估算')
  })

  it('while a saved segment is computing the list asks again every 30 s, and stops once it is ready', async () => {
    jest.useFakeTimers()
    try {
      const computing: SegmentView = { ...SLEEPING_GOLD, membership: { state: 'computing', visited: 5000, asOf: null } }
      const answers = [ok({ segments: [computing] }), ok({ segments: [SLEEPING_GOLD] })]
      renderPage({ 'admin.listSegments': () => answers.shift() ?? ok({ segments: [SLEEPING_GOLD] }) })
      await waitFor(() => expect(byId('segments-membership-sleeping-gold')).toHaveTextContent('成员计算中：已核对 5,000 位会员'))
      expect(eventsFor(call, 'admin.listSegments')).toHaveLength(1)
      await act(async () => {
        jest.advanceTimersByTime(COMPUTING_POLL_MS)
      })
      await waitFor(() => expect(byId('segments-membership-sleeping-gold')).toHaveTextContent('成员每日随会员数据更新'))
      await act(async () => {
        jest.advanceTimersByTime(3 * COMPUTING_POLL_MS)
      })
      expect(eventsFor(call, 'admin.listSegments')).toHaveLength(2)
    } finally {
      jest.useRealTimers()
    }
  })

  it('an exact count has no estimate note; a ready segment is kept daily', async () => {
    renderPage({ 'admin.listSegments': ok({ segments: [SLEEPING_GOLD] }) })
    await waitFor(() => expect(byId('segments-membership-sleeping-gold')).toHaveTextContent('成员每日随会员数据更新'))
    fireEvent.click(byId('segments-cond-0-opt-sleeping'))
    await waitFor(() => expect(byId('segments-preview-count')).toHaveTextContent('共 1,234 人'), SETTLE)
    expect(byId('segments-preview-estimate')).toBeNull()
  })

  it('a value the builder cannot send is marked on its condition and nothing is asked', async () => {
    renderPage()
    await waitFor(() => expect(byId('segments-list-empty')).toBeInTheDocument())
    pick('segments-cond-0-field', 4) // 最近消费
    type('segments-cond-0-value', '上个月')
    expect(byId('segments-cond-0-error')).toHaveTextContent('请输入天数')
    expect(byId('segments-preview-hint')).toHaveTextContent('请修正')
    await act(() => sleep(600))
    expect(eventsFor(call, 'admin.previewSegment')).toEqual([])
  })
})

describe('人群: saving, the list, deleting', () => {
  it('save: checks the name, shows the function’s field errors next to their fields, then saves and lists it', async () => {
    const saved = { ...SLEEPING_GOLD, segmentId: 'sleepers', name: '沉睡会员', rule: { all: [{ field: 'stage', op: 'eq', value: 'sleeping' }], any: [] } } as SegmentView
    const answers: Array<Result<unknown>> = [
      {
        ok: false,
        code: 'INVALID_ARGUMENT',
        message: 'segmentId: segmentId 为 2–40 位小写字母、数字、_ 或 -',
        issues: [
          { path: 'segmentId', message: 'segmentId 为 2–40 位小写字母、数字、_ 或 -' },
          { path: 'rule.all.0.value', message: '值不合法' },
        ],
      },
      ok({ segmentId: 'sleepers', created: true, membership: 'ready' }),
    ]
    let list: SegmentView[] = []
    renderPage({ 'admin.saveSegment': () => answers.shift()!, 'admin.listSegments': () => ok({ segments: list }) })
    fireEvent.click(byId('segments-cond-0-opt-sleeping'))
    type('segments-save-id', 'Sleepers!')
    fireEvent.click(byId('segments-save-submit'))
    expect(byId('segments-save-name-error')).toHaveTextContent('请填写人群名称')
    expect(eventsFor(call, 'admin.saveSegment')).toEqual([])

    type('segments-save-name', ' 沉睡会员 ')
    expect(byId('segments-save-name-error')).toBeNull()
    fireEvent.click(byId('segments-save-submit'))
    await waitFor(() => expect(byId('segments-save-id-error')).toHaveTextContent('segmentId 为 2–40 位小写字母'))
    expect(byId('segments-cond-0-error')).toHaveTextContent('值不合法')
    expect(eventsFor(call, 'admin.saveSegment')[0]).toEqual({
      action: 'saveSegment',
      segmentId: 'Sleepers!',
      name: '沉睡会员',
      rule: { all: [{ field: 'stage', op: 'eq', value: 'sleeping' }], any: [] },
    })

    type('segments-save-id', 'sleepers')
    expect(byId('segments-save-id-error')).toBeNull()
    list = [saved]
    fireEvent.click(byId('segments-save-submit'))
    await waitFor(() => expect(byId('segments-row-sleepers')).toHaveTextContent('沉睡会员'))
    expect(eventsFor(call, 'admin.saveSegment')[1]).toMatchObject({ segmentId: 'sleepers', name: '沉睡会员' })
    expect(Taro.showToast).toHaveBeenCalledWith({ title: '已保存', icon: 'success' })
    expect(byId('segments-row-sleepers')).toHaveTextContent('全部满足：生命周期阶段 是 沉睡')
    expect(byId('segments-editing')).toHaveTextContent('编辑：沉睡会员')
    expect(byId('segments-export')).toBeInTheDocument()
  })

  it('saving under the id of another saved segment asks before replacing it', async () => {
    renderPage({ 'admin.listSegments': ok({ segments: [SLEEPING_GOLD] }), 'admin.saveSegment': ok({ segmentId: 'sleeping-gold', created: false, membership: 'ready' }) })
    await waitFor(() => expect(byId('segments-row-sleeping-gold')).toBeInTheDocument())
    fireEvent.click(byId('segments-cond-0-opt-new'))
    type('segments-save-id', 'sleeping-gold')
    type('segments-save-name', '新客')
    Taro.showModal.mockResolvedValueOnce({ errMsg: 'showModal:ok', confirm: false, cancel: true })
    fireEvent.click(byId('segments-save-submit'))
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '覆盖已有人群？' })))
    expect(eventsFor(call, 'admin.saveSegment')).toEqual([])
  })

  it('打开 puts a saved rule into the builder; 删除 shows why it cannot, or removes the row', async () => {
    const other: SegmentView = { ...SLEEPING_GOLD, segmentId: 'vip', name: '大客户', rule: { all: [], any: [{ field: 'tags', op: 'hasAny', value: ['大客户'] }] } }
    const deletes: Array<Result<unknown>> = [failure('FAILED_PRECONDITION', '有 1 个启用中的券模板用到这个人群，请先修改或暂停'), ok({ deleted: true })]
    renderPage({ 'admin.listSegments': ok({ segments: [SLEEPING_GOLD, other] }), 'admin.deleteSegment': () => deletes.shift()! })
    await waitFor(() => expect(byId('segments-row-sleeping-gold')).toHaveTextContent('全部满足：生命周期阶段 是 沉睡；等级 是其中之一 金卡会员、黑金会员；最近消费 早于 90 天前'))

    fireEvent.click(byId('segments-open-sleeping-gold'))
    expect(byId('segments-cond-0-opt-sleeping').className).toContain('segments-chip-on')
    expect(byId('segments-cond-1-opt-gold').className).toContain('segments-chip-on')
    expect(byId('segments-cond-1-opt-black').className).toContain('segments-chip-on')
    expect(byId('segments-cond-1-opt-silver').className).not.toContain('segments-chip-on')
    expect(byId('segments-cond-2-value').value).toBe('90')
    expect(byId('segments-save-id').value).toBe('sleeping-gold')
    expect(byId('segments-export-dirty')).toBeNull()
    await waitFor(() => expect(eventsFor(call, 'admin.previewSegment').at(-1)!.rule).toEqual(SLEEPING_GOLD.rule), SETTLE)
    fireEvent.click(byId('segments-cond-1-opt-silver'))
    expect(byId('segments-export-dirty')).toHaveTextContent('修改尚未保存')

    fireEvent.click(byId('segments-open-vip'))
    expect(byId('segments-match-any')).toHaveAttribute('aria-checked', 'true')
    expect(byId('segments-cond-0-value').value).toBe('大客户')

    fireEvent.click(byId('segments-delete-sleeping-gold'))
    await waitFor(() => expect(byId('segments-row-error-sleeping-gold')).toHaveTextContent('有 1 个启用中的券模板用到这个人群'))
    expect(eventsFor(call, 'admin.deleteSegment')).toEqual([{ action: 'deleteSegment', segmentId: 'sleeping-gold' }])

    routeCalls(call, { 'admin.listSegments': ok({ segments: [other] }), 'admin.deleteSegment': () => deletes.shift()!, 'admin.previewSegment': preview(3) })
    fireEvent.click(byId('segments-delete-sleeping-gold'))
    await waitFor(() => expect(byId('segments-row-sleeping-gold')).toBeNull())
    expect(byId('segments-row-vip')).toBeInTheDocument()
  })
})

describe('人群: 导出 CSV', () => {
  const openSaved = async (handlers: Handlers = {}) => {
    renderPage({ 'admin.listSegments': ok({ segments: [SLEEPING_GOLD] }), 'admin.exportSegment': EXPORT, ...handlers })
    await waitFor(() => expect(byId('segments-open-sleeping-gold')).toBeInTheDocument())
    fireEvent.click(byId('segments-open-sleeping-gold'))
  }

  it('exports the saved segment, with full phones when ticked, and shows the link; weapp copies it', async () => {
    await openSaved()
    expect(byId('segments-export-phones').checked).toBe(false)
    fireEvent.click(byId('segments-export-phones'))
    fireEvent.click(byId('segments-export-submit'))
    await waitFor(() => expect(byId('segments-export-url')).toHaveTextContent(EXPORT.ok ? EXPORT.data.url : ''))
    expect(eventsFor(call, 'admin.exportSegment')).toEqual([{ action: 'exportSegment', segmentId: 'sleeping-gold', includePhones: true }])
    expect(byId('segments-export-rows')).toHaveTextContent('已导出 1,234 位会员，链接 2024-03-05 10:10 前有效')

    fireEvent.click(byId('segments-export-open'))
    await waitFor(() => expect(byId('segments-export-copied')).toBeInTheDocument())
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: EXPORT.ok ? EXPORT.data.url : '' })
  })

  it('H5 opens the link in a new tab', async () => {
    const open = jest.spyOn(window, 'open').mockImplementation(() => null)
    const env = process.env.TARO_ENV
    process.env.TARO_ENV = 'h5'
    try {
      await openSaved()
      fireEvent.click(byId('segments-export-submit'))
      await waitFor(() => expect(byId('segments-export-open')).toHaveTextContent('下载文件'))
      expect(eventsFor(call, 'admin.exportSegment')[0]).toEqual({ action: 'exportSegment', segmentId: 'sleeping-gold', includePhones: false })
      await act(async () => {
        fireEvent.click(byId('segments-export-open'))
      })
      expect(open).toHaveBeenCalledWith(EXPORT.ok ? EXPORT.data.url : '', '_blank', 'noopener')
      expect(Taro.setClipboardData).not.toHaveBeenCalled()
    } finally {
      process.env.TARO_ENV = env
      open.mockRestore()
    }
  })

  it('shows the function’s refusal of a too-big segment', async () => {
    await openSaved({ 'admin.exportSegment': failure('FAILED_PRECONDITION', '人群有 60,000 人，超过单次导出上限 50,000 人，请加条件缩小人群后再导出') })
    fireEvent.click(byId('segments-export-submit'))
    await waitFor(() => expect(byId('segments-export-error')).toHaveTextContent('超过单次导出上限 50,000 人'))
    expect(byId('segments-export-result')).toBeNull()
  })
})

describe('人群: who may use it', () => {
  it('a store manager (or anyone not a brand admin) gets the denied page', async () => {
    renderPage({ 'admin.listSegments': failure('PERMISSION_DENIED', '仅管理员可调用') })
    await waitFor(() => expect(byId('console-denied')).toHaveTextContent('无管理权限'))
    expect(byId('segments-builder')).toBeNull()
  })

  it('a list that fails for another reason shows its error with a retry', async () => {
    const lists: Array<Result<unknown>> = [failure('INTERNAL', '服务暂时不可用'), ok({ segments: [SLEEPING_GOLD] })]
    renderPage({ 'admin.listSegments': () => lists.shift()! })
    await waitFor(() => expect(byId('segments-list-error')).toHaveTextContent('服务暂时不可用'))
    fireEvent.click(byId('segments-list-retry'))
    await waitFor(() => expect(byId('segments-row-sleeping-gold')).toBeInTheDocument())
  })
})

describe('人群: drafts ↔ rules', () => {
  const draft = (field: ConditionDraft['field'], op: ConditionDraft['op'], text: string): ConditionDraft => ({ key: 1, field, op, text })

  it('converts typed values: yuan → fen, days → daysAgo, a day → Shanghai midnight, lists split', () => {
    expect(toCondition(draft('stats.spendFen', 'gte', '99.9'))).toEqual({ kind: 'ok', condition: { field: 'stats.spendFen', op: 'gte', value: 9990 } })
    expect(toCondition(draft('stats.lastPurchaseAt', 'gte', '30'))).toEqual({ kind: 'ok', condition: { field: 'stats.lastPurchaseAt', op: 'gte', value: { daysAgo: 30 } } })
    expect(toCondition(draft('createdAt', 'lt', '2024-03-01'))).toEqual({ kind: 'ok', condition: { field: 'createdAt', op: 'lt', value: '2024-03-01T00:00:00+08:00' } })
    expect(toCondition(draft('tags', 'hasAll', '大客户， 咖啡偏好、 '))).toEqual({ kind: 'ok', condition: { field: 'tags', op: 'hasAll', value: ['大客户', '咖啡偏好'] } })
    expect(toCondition(draft('stats.lastPurchaseAt', 'exists', 'false'))).toEqual({ kind: 'ok', condition: { field: 'stats.lastPurchaseAt', op: 'exists', value: false } })
    expect(toCondition(draft('points', 'gte', ''))).toEqual({ kind: 'incomplete' })
    expect(toCondition(draft('points', 'gte', '十'))).toEqual({ kind: 'error', message: '请输入数字' })
    expect(toCondition(draft('stats.lastPurchaseAt', 'gte', '9999'))).toEqual({ kind: 'error', message: '天数最多 3650' })
  })

  it('a saved rule with both groups keeps the other group as it is', () => {
    const rule = {
      all: [
        { field: 'stats.spendFen' as const, op: 'gte' as const, value: 9990 },
        { field: 'createdAt' as const, op: 'lt' as const, value: '2024-02-29T16:00:00.000Z' },
      ],
      any: [{ field: 'gender' as const, op: 'eq' as const, value: 'female' }],
    }
    const d = draftFromRule(rule)
    expect(d.conditions.map(c => c.text)).toEqual(['99.9', '2024-03-01'])
    expect(checkDraft(d).rule).toEqual({
      all: [
        { field: 'stats.spendFen', op: 'gte', value: 9990 },
        { field: 'createdAt', op: 'lt', value: '2024-03-01T00:00:00+08:00' },
      ],
      any: rule.any,
    })
    expect(ruleSummary(rule)).toBe('全部满足：累计消费（元） ≥ 99.9；注册时间 早于 2024-03-01 ｜ 任一满足：性别 是 女')
  })
})
