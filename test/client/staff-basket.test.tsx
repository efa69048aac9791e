/** 录入消费 with products: quick keys, search and categories, a typed (H5) or scanned (weapp) code, quantities, 改价/优惠. */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from './doubles/taro'
import { callFunction } from '../../client/src/services/cloud'
import PurchasePage from '../../client/src/staff/purchase/index'
import { till } from '../../client/src/staff/till'
import { ok } from './fixtures'
import { couponView, eventsFor, failure, productAtTill, purchaseView, routeCalls, tillMember, type Handlers } from './backend'
import type { StaffOutputs } from '../../types/staff'

jest.mock('../../client/src/services/cloud', () => require('./doubles/cloud').cloudDouble())

const call = callFunction as jest.MockedFunction<typeof callFunction>
const byId = (id: string) => document.getElementById(id) as HTMLInputElement
const CODE = '100000000112345678'

const LATTE = productAtTill()
const OAT = productAtTill({ productId: 'p-oat-latte', title: '燕麦拿铁', priceFen: 3500, barcode: '6901234567038' })
const CROISSANT = productAtTill({ productId: 'p-croissant', title: '黄油可颂', category: '烘焙', priceFen: 1800, barcode: '6901234567069' })
const CATALOG = [LATTE, OAT, CROISSANT]

function purchased(e: Record<string, unknown>): StaffOutputs['recordPurchase'] {
  return { purchase: purchaseView({ amountFen: Number(e.amountFen) }), pointsEarned: 70, balance: 190, replayed: false }
}

function backend(more: Handlers = {}) {
  routeCalls(call, {
    'staff.memberCoupons': ok({ member: tillMember(), coupons: [] }),
    'staff.tillQuickKeys': ok({ products: [LATTE, CROISSANT], source: 'sales' }),
    'staff.tillCatalog': e => {
      const q = String(e.query ?? '')
      const list = CATALOG.filter(p => (!e.category || p.category === e.category) && (!q || p.title.includes(q) || p.barcode === q || p.productId === q))
      return ok({ products: list, categories: ['咖啡', '烘焙'] })
    },
    'staff.productByCode': e => {
      const p = CATALOG.find(x => x.barcode === e.code || x.productId === e.code)
      return p ? ok({ product: p }) : failure('NOT_FOUND', `没有找到商品码为 ${e.code} 的商品`)
    },
    'staff.recordPurchase': e => ok(purchased(e)),
    ...more,
  })
}

beforeEach(() => {
  call.mockReset()
  till.clear()
  till.serve({ member: tillMember(), ref: { code: CODE }, via: 'code' })
  delete process.env.TARO_ENV
})

async function openPage() {
  render(<PurchasePage />)
  await waitFor(() => expect(byId('basket-quick-p-latte')).toBeInTheDocument())
}

describe('录入消费: 购物清单 (H5)', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'h5'
  })

  it('quick keys, a search and a typed barcode fill the basket; − / + / 删除; the lines and their total are recorded', async () => {
    backend()
    await openPage()
    // no camera on H5: a typed code instead
    expect(byId('basket-scan')).toBeNull()
    expect(byId('purchase-amount')).toBeInTheDocument()

    fireEvent.click(byId('basket-quick-p-latte'))
    expect(byId('basket-line-p-latte-qty')).toHaveTextContent('1')
    // with products the amount comes from the lines
    expect(byId('purchase-amount')).toBeNull()

    fireEvent.change(byId('basket-search-input'), { target: { value: '拿铁' } })
    fireEvent.click(byId('basket-search-submit'))
    await waitFor(() => expect(byId('basket-result-p-oat-latte')).toBeInTheDocument())
    expect(eventsFor(call, 'staff.tillCatalog').at(-1)).toEqual({ action: 'tillCatalog', query: '拿铁', limit: 30 })
    fireEvent.click(byId('basket-result-p-oat-latte'))

    fireEvent.change(byId('basket-code-input'), { target: { value: ' 6901234567069 ' } })
    fireEvent.click(byId('basket-code-submit'))
    await waitFor(() => expect(byId('basket-line-p-croissant')).toBeInTheDocument())
    expect(eventsFor(call, 'staff.productByCode')).toEqual([{ action: 'productByCode', code: '6901234567069' }])
    expect(byId('basket-code-input')).toHaveValue('')

    fireEvent.click(byId('basket-line-p-latte-plus'))
    fireEvent.click(byId('basket-line-p-latte-plus'))
    fireEvent.click(byId('basket-line-p-latte-minus'))
    expect(byId('basket-line-p-latte-qty')).toHaveTextContent('2')
    expect(byId('basket-line-p-latte-fen')).toHaveTextContent('￥64.00')
    fireEvent.click(byId('basket-line-p-oat-latte-remove'))
    expect(byId('basket-line-p-oat-latte')).toBeNull()
    expect(byId('basket-count')).toHaveTextContent('共 3 件')
    expect(byId('basket-total')).toHaveTextContent('￥82.00')
    expect(byId('purchase-paid')).toHaveTextContent('￥82.00')

    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/staff/result/index' }))
    expect(eventsFor(call, 'staff.recordPurchase')).toEqual([
      {
        action: 'recordPurchase',
        requestId: expect.stringMatching(/^[\w-]{8,64}$/),
        member: { code: CODE },
        amountFen: 8200,
        lines: [
          { productId: 'p-latte', title: '拿铁', category: '咖啡', quantity: 2, priceFen: 3200 },
          { productId: 'p-croissant', title: '黄油可颂', category: '烘焙', quantity: 1, priceFen: 1800 },
        ],
      },
    ])
  })

  it('a category chip lists that category; an unknown code says so and adds nothing', async () => {
    backend()
    await openPage()
    await waitFor(() => expect(byId('basket-category-1')).toHaveTextContent('烘焙'))
    expect(byId('basket-category-1')).toHaveAttribute('data-category', '烘焙')
    expect(byId('basket-category-all')).toHaveTextContent('全部')
    fireEvent.click(byId('basket-category-1'))
    await waitFor(() => expect(byId('basket-result-p-croissant')).toBeInTheDocument())
    expect(byId('basket-result-p-latte')).toBeNull()
    expect(eventsFor(call, 'staff.tillCatalog').at(-1)).toMatchObject({ category: '烘焙' })

    fireEvent.change(byId('basket-code-input'), { target: { value: '6900000000000' } })
    fireEvent.click(byId('basket-code-submit'))
    expect(await screen.findByText('没有找到商品码为 6900000000000 的商品')).toHaveAttribute('id', 'basket-message')
    expect(byId('basket')).toBeNull()
    fireEvent.change(byId('basket-code-input'), { target: { value: 'http://x.cn/a' } })
    fireEvent.click(byId('basket-code-submit'))
    expect(byId('basket-message')).toHaveTextContent('商品码为字母或数字')
    expect(eventsFor(call, 'staff.productByCode')).toHaveLength(1)
  })

  it('改价/优惠: the amount charged is at most the total, shown as 优惠; above it nothing is sent', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('basket-quick-p-latte'))
    fireEvent.click(byId('basket-quick-p-latte'))
    fireEvent.click(byId('basket-quick-p-croissant'))
    fireEvent.click(byId('basket-override'))
    fireEvent.change(byId('basket-override-input'), { target: { value: '90' } })
    expect(byId('basket-override-error')).toHaveTextContent('实收金额不能高于明细合计')
    fireEvent.click(byId('purchase-submit'))
    expect(byId('purchase-error')).toHaveTextContent('实收金额不能高于明细合计')
    expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(0)

    fireEvent.change(byId('basket-override-input'), { target: { value: '70' } })
    expect(byId('basket-discount')).toHaveTextContent('优惠 ￥12.00')
    expect(byId('purchase-lines-total')).toHaveTextContent('￥82.00')
    expect(byId('purchase-order-total')).toHaveTextContent('￥70.00')
    expect(byId('purchase-paid')).toHaveTextContent('￥70.00')
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1))
    expect(eventsFor(call, 'staff.recordPurchase')[0]).toMatchObject({
      amountFen: 7000,
      lines: [
        { productId: 'p-latte', quantity: 2 },
        { productId: 'p-croissant', quantity: 1 },
      ],
    })
  })

  it('取消改价 charges the total again; emptying the basket brings back the typed amount', async () => {
    backend()
    await openPage()
    fireEvent.click(byId('basket-quick-p-latte'))
    fireEvent.click(byId('basket-override'))
    fireEvent.change(byId('basket-override-input'), { target: { value: '30' } })
    expect(byId('purchase-paid')).toHaveTextContent('￥30.00')
    fireEvent.click(byId('basket-override-cancel'))
    expect(byId('purchase-paid')).toHaveTextContent('￥32.00')
    fireEvent.click(byId('basket-line-p-latte-minus'))
    expect(byId('basket')).toBeNull()
    fireEvent.change(byId('purchase-amount'), { target: { value: '12.3' } })
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1))
    expect(eventsFor(call, 'staff.recordPurchase')[0]).toEqual({ action: 'recordPurchase', requestId: expect.any(String), member: { code: CODE }, amountFen: 1230 })
  })

  it('a 改价 below a coupon’s minimum spend drops the coupon, with a hint', async () => {
    const threshold = couponView({ code: '200000000002', name: '满减券', type: 'threshold', summary: '满80减10', valueFen: 1000, minSpendFen: 8000 })
    backend({ 'staff.memberCoupons': ok({ member: tillMember(), coupons: [threshold] }) })
    await openPage()
    fireEvent.click(byId('basket-quick-p-latte'))
    fireEvent.click(byId('basket-quick-p-latte'))
    fireEvent.click(byId('basket-quick-p-croissant'))
    await waitFor(() => expect(byId('purchase-coupon-200000000002')).toBeInTheDocument())
    fireEvent.click(byId('purchase-coupon-200000000002'))
    expect(byId('purchase-paid')).toHaveTextContent('￥72.00')
    fireEvent.click(byId('basket-override'))
    fireEvent.change(byId('basket-override-input'), { target: { value: '75' } })
    expect(byId('purchase-coupon-hint')).toHaveTextContent('已取消「满减券」')
    expect(byId('purchase-paid')).toHaveTextContent('￥75.00')
  })

  it('after a network failure the basket is locked and the retry sends the same lines and requestId', async () => {
    let attempts = 0
    backend({ 'staff.recordPurchase': e => (++attempts === 1 ? Promise.reject(new Error('request:fail timeout')) : ok(purchased(e))) })
    await openPage()
    fireEvent.click(byId('basket-quick-p-latte'))
    fireEvent.click(byId('purchase-submit'))
    expect(await screen.findByText(/结果未知/)).toHaveAttribute('id', 'purchase-error')
    expect(byId('basket-line-p-latte-plus')).toBeDisabled()
    fireEvent.click(byId('basket-quick-p-croissant'))
    fireEvent.click(byId('basket-line-p-latte-remove'))
    expect(byId('basket-line-p-croissant')).toBeNull()
    expect(byId('basket-line-p-latte')).toBeInTheDocument()
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled())
    const sent = eventsFor(call, 'staff.recordPurchase')
    expect(sent).toHaveLength(2)
    expect(sent[1]).toEqual(sent[0])
  })
})

describe('录入消费: 扫商品码 (weapp)', () => {
  it('a scanned barcode is looked up and added; a cancelled scan says nothing', async () => {
    backend()
    await openPage()
    expect(byId('basket-code-input')).toBeNull()
    Taro.scanCode.mockResolvedValueOnce({ errMsg: 'scanCode:ok', result: '6901234567038', scanType: 'EAN_13' })
    await act(async () => {
      fireEvent.click(byId('basket-scan'))
    })
    await waitFor(() => expect(byId('basket-line-p-oat-latte')).toBeInTheDocument())
    expect(Taro.scanCode).toHaveBeenCalledWith({ onlyFromCamera: true, scanType: ['barCode'] })
    expect(eventsFor(call, 'staff.productByCode')).toEqual([{ action: 'productByCode', code: '6901234567038' }])
    expect(Taro.showToast).toHaveBeenCalledWith({ title: '已加入 燕麦拿铁', icon: 'none' })

    Taro.scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' })
    await act(async () => {
      fireEvent.click(byId('basket-scan'))
    })
    expect(byId('basket-message')).toBeNull()
    expect(eventsFor(call, 'staff.productByCode')).toHaveLength(1)
  })

  it('quick keys that fail to load leave the amount-only till working', async () => {
    backend({ 'staff.tillQuickKeys': failure('INTERNAL', '服务繁忙') })
    render(<PurchasePage />)
    expect(await screen.findByText(/常用商品加载失败/)).toHaveAttribute('id', 'basket-quick-error')
    fireEvent.change(byId('purchase-amount'), { target: { value: '5' } })
    fireEvent.click(byId('purchase-submit'))
    await waitFor(() => expect(eventsFor(call, 'staff.recordPurchase')).toHaveLength(1))
    expect(eventsFor(call, 'staff.recordPurchase')[0]).toMatchObject({ amountFen: 500 })
    expect(eventsFor(call, 'staff.recordPurchase')[0].lines).toBeUndefined()
  })
})
