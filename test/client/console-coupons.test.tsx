import { fireEvent, render, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction, needsSignIn } from '../../client/src/services/cloud'
import ConsoleCouponsPage from '../../client/src/console/coupons/index'
import { discountToPercentOff, fieldOfIssue, formFromTemplate, toTemplateInput } from '../../client/src/console/coupons/form-model'
import { ok } from './fixtures'
import { eventsFor, failure, routeCalls, type Handlers } from './backend'
import type { CouponTemplateRow } from '../../types/coupons'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const type = (id: string, value: string) => fireEvent.change(byId(id), { target: { value } })

function row(overrides: Partial<CouponTemplateRow> = {}): CouponTemplateRow {
  return {
    templateId: 'full-100-20',
    name: '满100减20',
    summary: '满100减20',
    type: 'threshold',
    valueFen: 2000,
    minSpendFen: 10000,
    validity: { kind: 'relative', days: 30 },
    totalStock: 100,
    stock: 60,
    issued: 40,
    used: 12,
    perMemberLimit: 1,
    audience: { kind: 'all' },
    channels: ['claim_center', 'admin'],
    stackable: false,
    status: 'active',
    createdAt: '2024-03-01T00:00:00.000Z',
    updatedAt: '2024-03-01T00:00:00.000Z',
    ...overrides,
  }
}

const PAUSED = row({
  templateId: 'gift-bag',
  name: '帆布袋',
  summary: '礼品：帆布袋',
  type: 'gift',
  valueFen: undefined,
  minSpendFen: 0,
  giftName: '帆布袋',
  totalStock: null,
  stock: null,
  issued: 3,
  used: 1,
  channels: ['points_mall'],
  pointsPrice: 500,
  status: 'paused',
  validity: { kind: 'fixed', start: '2024-03-31T16:00:00.000Z', end: '2024-04-30T15:59:59.000Z' },
})

/** A stateful backend: upserts and status changes land in the list. */
function backend(more: Handlers = {}) {
  const list = [row(), PAUSED]
  const view = (input: Record<string, unknown>) => {
    const before = list.find(t => t.templateId === input.templateId)
    const issued = before?.issued ?? 0
    return {
      ...(input as object),
      summary: String(input.name),
      status: before?.status ?? 'active',
      issued,
      stock: input.totalStock === null ? null : Number(input.totalStock) - issued,
      createdAt: '2024-03-01T00:00:00.000Z',
      updatedAt: '2024-03-05T00:00:00.000Z',
    } as unknown as CouponTemplateRow
  }
  routeCalls(call, {
    'admin.listCouponTemplates': () => ok({ templates: list.map(t => ({ ...t })) }),
    'admin.upsertCouponTemplate': e => {
      const t = view(e.template as Record<string, unknown>)
      const i = list.findIndex(x => x.templateId === t.templateId)
      const created = i < 0
      if (created) list.push({ ...t, used: 0 })
      else list[i] = { ...t, used: list[i].used }
      return ok({ template: t, created })
    },
    'admin.setCouponTemplateStatus': e => {
      const t = list.find(x => x.templateId === e.templateId)!
      t.status = e.status as CouponTemplateRow['status']
      return ok({ template: { ...t } })
    },
    ...more,
  })
  return list
}

beforeEach(() => {
  call.mockReset()
  ;(needsSignIn as jest.Mock).mockReturnValue(false)
})

describe('管理: 券 form model', () => {
  test('折 ↔ percentOff, issue paths → fields, and a listed template round-trips to the same input', () => {
    expect(discountToPercentOff('8.5')).toBe(15)
    expect(discountToPercentOff('9')).toBe(10)
    expect(discountToPercentOff('10')).toBeNull()
    expect(discountToPercentOff('8.55')).toBeNull()
    expect(fieldOfIssue('template.validity.end')).toBe('validity')
    expect(fieldOfIssue('template.minSpendFen')).toBe('minSpendFen')
    expect(fieldOfIssue('template')).toBe('')
    const built = toTemplateInput(formFromTemplate(PAUSED))
    expect(built).toEqual({
      ok: true,
      input: {
        templateId: 'gift-bag',
        name: '帆布袋',
        type: 'gift',
        stackable: false,
        minSpendFen: 0,
        giftName: '帆布袋',
        validity: { kind: 'fixed', start: '2024-04-01T00:00:00+08:00', end: '2024-04-30T23:59:59+08:00' },
        totalStock: null,
        perMemberLimit: 1,
        audience: { kind: 'all' },
        channels: ['points_mall'],
        pointsPrice: 500,
      },
    })
  })
})

describe('管理: 券', () => {
  test('lists both statuses with type, status, stock left / total, issued / used and channels', async () => {
    backend()
    render(<ConsoleCouponsPage />)
    await waitFor(() => expect(byId('coupons-table')).toBeInTheDocument())
    expect(eventsFor(call, 'admin.listCouponTemplates')).toEqual([{ action: 'listCouponTemplates' }])
    expect(byId('coupons-count')).toHaveTextContent('2 个模板')
    expect(byId('coupons-row-full-100-20-summary')).toHaveTextContent('满减券 · 满100减20')
    expect(byId('coupons-row-full-100-20-status')).toHaveTextContent('发放中')
    expect(byId('coupons-row-full-100-20-stock')).toHaveTextContent('剩余 60 / 共 100')
    expect(byId('coupons-row-full-100-20-counts')).toHaveTextContent('已发 40 · 已用 12')
    expect(byId('coupons-row-full-100-20-channels')).toHaveTextContent('领券中心、后台发放')
    expect(byId('coupons-row-full-100-20')).toHaveTextContent('领取后 30 天内有效')
    expect(byId('coupons-row-gift-bag-status')).toHaveTextContent('已暂停')
    expect(byId('coupons-row-gift-bag-stock')).toHaveTextContent('不限量')
    expect(byId('coupons-row-gift-bag')).toHaveTextContent('2024-04-01 至 2024-04-30')
    expect(byId('coupons-row-gift-bag-toggle')).toHaveTextContent('恢复')
  })

  test('新建: client checks first, then the function’s field error next to its field; a fixed save lands in the list', async () => {
    backend({
      'admin.upsertCouponTemplate': {
        ok: false,
        code: 'INVALID_ARGUMENT',
        message: 'template.minSpendFen: 满减券的门槛必须大于减免金额',
        issues: [{ path: 'template.minSpendFen', message: '满减券的门槛必须大于减免金额' }],
      },
    })
    render(<ConsoleCouponsPage />)
    await waitFor(() => expect(byId('coupons-new')).toBeInTheDocument())
    fireEvent.click(byId('coupons-new'))
    fireEvent.click(byId('coupons-form-submit'))
    expect(byId('coupons-form-templateId-error')).toHaveTextContent('请填写模板 ID')
    expect(byId('coupons-form-name-error')).toHaveTextContent('请填写券名称')
    expect(byId('coupons-form-valueFen-error')).toHaveTextContent('请输入金额')
    expect(eventsFor(call, 'admin.upsertCouponTemplate')).toHaveLength(0)

    type('coupons-form-templateId', 'full-50-60')
    type('coupons-form-name', '满50减60')
    fireEvent.click(byId('coupons-form-type-threshold'))
    type('coupons-form-valueFen', '60')
    type('coupons-form-minSpendFen', '50')
    fireEvent.click(byId('coupons-form-validity-kind-fixed'))
    fireEvent.change(byId('coupons-form-start').querySelector('input')!, { target: { value: '2024-04-01' } })
    fireEvent.change(byId('coupons-form-end').querySelector('input')!, { target: { value: '2024-04-30' } })
    type('coupons-form-totalStock', '500')
    type('coupons-form-perMemberLimit', '2')
    fireEvent.click(byId('coupons-form-channels-admin'))
    fireEvent.click(byId('coupons-form-submit'))
    await waitFor(() => expect(byId('coupons-form-minSpendFen-error')).toHaveTextContent('满减券的门槛必须大于减免金额'))
    expect(byId('coupons-form-valueFen-error')).toBeNull()
    expect(eventsFor(call, 'admin.upsertCouponTemplate')).toEqual([
      {
        action: 'upsertCouponTemplate',
        template: {
          templateId: 'full-50-60',
          name: '满50减60',
          type: 'threshold',
          stackable: false,
          valueFen: 6000,
          minSpendFen: 5000,
          validity: { kind: 'fixed', start: '2024-04-01T00:00:00+08:00', end: '2024-04-30T23:59:59+08:00' },
          totalStock: 500,
          perMemberLimit: 2,
          audience: { kind: 'all' },
          channels: ['claim_center', 'admin'],
        },
      },
    ])

    // the function accepts the corrected template: the form closes and the row appears
    backend()
    type('coupons-form-minSpendFen', '100')
    fireEvent.click(byId('coupons-form-submit'))
    await waitFor(() => expect(byId('coupons-row-full-50-60')).toBeInTheDocument())
    expect(byId('coupons-form')).toBeNull()
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已创建' }))
    expect(byId('coupons-row-full-50-60-stock')).toHaveTextContent('剩余 500 / 共 500')
  })

  test('编辑 fills the form (the id fixed) and saves the whole template under the same id', async () => {
    backend()
    render(<ConsoleCouponsPage />)
    await waitFor(() => expect(byId('coupons-row-full-100-20-edit')).toBeInTheDocument())
    fireEvent.click(byId('coupons-row-full-100-20-edit'))
    expect(byId('coupons-form-templateId')).toBeDisabled()
    expect(byId('coupons-form-valueFen')).toHaveValue('20.00')
    expect(byId('coupons-form-minSpendFen')).toHaveValue('100.00')
    expect(byId('coupons-form-totalStock-hint')).toHaveTextContent('已发放 40 张')
    type('coupons-form-name', '满100减20（新）')
    fireEvent.click(byId('coupons-form-submit'))
    await waitFor(() => expect(byId('coupons-row-full-100-20')).toHaveTextContent('满100减20（新）'))
    const [sent] = eventsFor(call, 'admin.upsertCouponTemplate')
    expect(sent.template).toMatchObject({ templateId: 'full-100-20', name: '满100减20（新）', valueFen: 2000, minSpendFen: 10000, totalStock: 100, channels: ['claim_center', 'admin'] })
  })

  test('暂停 / 恢复 calls setCouponTemplateStatus and shows the new status', async () => {
    backend()
    render(<ConsoleCouponsPage />)
    await waitFor(() => expect(byId('coupons-row-full-100-20-toggle')).toHaveTextContent('暂停'))
    fireEvent.click(byId('coupons-row-full-100-20-toggle'))
    await waitFor(() => expect(byId('coupons-row-full-100-20-status')).toHaveTextContent('已暂停'))
    expect(byId('coupons-row-full-100-20-toggle')).toHaveTextContent('恢复')
    expect(eventsFor(call, 'admin.setCouponTemplateStatus')).toEqual([{ action: 'setCouponTemplateStatus', templateId: 'full-100-20', status: 'paused' }])
    fireEvent.click(byId('coupons-row-gift-bag-toggle'))
    await waitFor(() => expect(byId('coupons-row-gift-bag-status')).toHaveTextContent('发放中'))
    expect(eventsFor(call, 'admin.setCouponTemplateStatus')[1]).toEqual({ action: 'setCouponTemplateStatus', templateId: 'gift-bag', status: 'active' })
  })

  test('改库存 sends the template with the new total; below what was issued shows the function’s refusal', async () => {
    const message = '总库存不能少于已发放的 40 张'
    backend({ 'admin.upsertCouponTemplate': { ok: false, code: 'FAILED_PRECONDITION', message, issues: [{ path: 'template.totalStock', message }] } })
    render(<ConsoleCouponsPage />)
    await waitFor(() => expect(byId('coupons-row-full-100-20-stock-open')).toBeInTheDocument())
    fireEvent.click(byId('coupons-row-full-100-20-stock-open'))
    expect(byId('coupons-stock-full-100-20-total')).toHaveValue(100)
    type('coupons-stock-full-100-20-total', '30')
    fireEvent.click(byId('coupons-stock-full-100-20-submit'))
    await waitFor(() => expect(byId('coupons-stock-full-100-20-error')).toHaveTextContent(message))

    backend()
    type('coupons-stock-full-100-20-total', '150')
    fireEvent.click(byId('coupons-stock-full-100-20-submit'))
    await waitFor(() => expect(byId('coupons-row-full-100-20-stock')).toHaveTextContent('剩余 110 / 共 150'))
    const sent = eventsFor(call, 'admin.upsertCouponTemplate')
    expect(sent).toHaveLength(2)
    expect(sent[1].template).toEqual({ ...(sent[0].template as object), totalStock: 150 })
    expect(sent[1].template).toMatchObject({ templateId: 'full-100-20', type: 'threshold', valueFen: 2000, minSpendFen: 10000, validity: { kind: 'relative', days: 30 } })
    expect(byId('coupons-stock-full-100-20-form')).toBeNull()
  })

  test('a store manager (or anyone not a brand admin) gets 无管理权限', async () => {
    routeCalls(call, { 'admin.listCouponTemplates': failure('PERMISSION_DENIED', '仅限品牌管理员') })
    render(<ConsoleCouponsPage />)
    await waitFor(() => expect(byId('console-denied')).toHaveTextContent('无管理权限'))
    expect(byId('coupons-table')).toBeNull()
  })
})
