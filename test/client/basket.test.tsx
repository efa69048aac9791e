/** The till's basket math (client/src/staff/basket.ts): lines, quantities, totals, the 改价 amount, codes. */
import {
  addProduct,
  basketCharge,
  draftOrderFen,
  itemCount,
  linesTotalFen,
  MAX_LINES,
  MAX_QUANTITY,
  normalizeProductCode,
  purchaseLines,
  removeLine,
  setQuantity,
  type BasketLine,
} from '../../client/src/staff/basket'
import { productAtTill } from './backend'

const LATTE = productAtTill()
const CROISSANT = productAtTill({ productId: 'p-croissant', title: '黄油可颂', category: '烘焙', priceFen: 1800, barcode: null })

describe('lines', () => {
  it('adding a product appends a line of 1; adding it again adds to its quantity, in place', () => {
    let lines = addProduct([], LATTE)
    lines = addProduct(lines, CROISSANT)
    lines = addProduct(lines, LATTE)
    expect(lines).toEqual([
      { productId: 'p-latte', title: '拿铁', category: '咖啡', priceFen: 3200, quantity: 2 },
      { productId: 'p-croissant', title: '黄油可颂', category: '烘焙', priceFen: 1800, quantity: 1 },
    ])
    expect(addProduct(lines, CROISSANT, 3)[1].quantity).toBe(4)
  })

  it('does not change the lines it was given', () => {
    const lines = addProduct([], LATTE)
    const frozen = JSON.stringify(lines)
    addProduct(lines, LATTE)
    setQuantity(lines, 'p-latte', 5)
    removeLine(lines, 'p-latte')
    expect(JSON.stringify(lines)).toBe(frozen)
  })

  it('a quantity of 0 or less removes the line; fractions are floored; the quantity is capped at 9999', () => {
    const lines = addProduct(addProduct([], LATTE), CROISSANT)
    expect(setQuantity(lines, 'p-latte', 0).map(l => l.productId)).toEqual(['p-croissant'])
    expect(setQuantity(lines, 'p-latte', -3).map(l => l.productId)).toEqual(['p-croissant'])
    expect(setQuantity(lines, 'p-latte', NaN).map(l => l.productId)).toEqual(['p-croissant'])
    expect(setQuantity(lines, 'p-latte', 2.7)[0].quantity).toBe(2)
    expect(setQuantity(lines, 'p-latte', 20_000)[0].quantity).toBe(MAX_QUANTITY)
    expect(addProduct(setQuantity(lines, 'p-latte', MAX_QUANTITY), LATTE)[0].quantity).toBe(MAX_QUANTITY)
    expect(setQuantity(lines, 'p-unknown', 3)).toEqual(lines)
  })

  it('remove drops only that line', () => {
    const lines = addProduct(addProduct([], LATTE), CROISSANT)
    expect(removeLine(lines, 'p-latte')).toEqual([expect.objectContaining({ productId: 'p-croissant' })])
    expect(removeLine(lines, 'p-none')).toEqual(lines)
  })

  it('at most 200 lines: a new product beyond that is not added, more of an existing one still is', () => {
    let lines: BasketLine[] = []
    for (let i = 0; i < MAX_LINES; i++) lines = addProduct(lines, productAtTill({ productId: `p-${i}`, priceFen: 100 }))
    expect(addProduct(lines, LATTE)).toHaveLength(MAX_LINES)
    expect(addProduct(lines, productAtTill({ productId: 'p-0' }))[0].quantity).toBe(2)
  })
})

describe('totals and the amount charged', () => {
  const lines = setQuantity(addProduct(addProduct([], LATTE), CROISSANT), 'p-latte', 2)

  it('total = Σ price × quantity in fen; items = Σ quantities', () => {
    expect(linesTotalFen(lines)).toBe(8200)
    expect(itemCount(lines)).toBe(3)
    expect(linesTotalFen([])).toBe(0)
  })

  it('without 改价 the lines’ total is charged', () => {
    expect(basketCharge(lines, null)).toEqual({ ok: true, totalFen: 8200, amountFen: 8200, discountFen: 0 })
    expect(basketCharge(lines, '  ')).toEqual({ ok: true, totalFen: 8200, amountFen: 8200, discountFen: 0 })
  })

  it('改价: the amount typed (at most the total) is charged, the rest is the discount', () => {
    expect(basketCharge(lines, '70')).toEqual({ ok: true, totalFen: 8200, amountFen: 7000, discountFen: 1200 })
    expect(basketCharge(lines, '81.99')).toEqual({ ok: true, totalFen: 8200, amountFen: 8199, discountFen: 1 })
    expect(basketCharge(lines, '82.00')).toEqual({ ok: true, totalFen: 8200, amountFen: 8200, discountFen: 0 })
  })

  it.each([
    ['82.01', '实收金额不能高于明细合计'],
    ['0', '金额必须大于 0'],
    ['7.001', '金额格式不正确'],
    ['abc', '金额格式不正确'],
  ])('改价 %j is refused: %s', (typed, message) => {
    const res = basketCharge(lines, typed)
    expect(res.ok).toBe(false)
    expect(res).toMatchObject({ totalFen: 8200, message: expect.stringContaining(message) })
  })

  it('an empty basket or one of free items cannot be charged from its lines', () => {
    expect(basketCharge([], null)).toMatchObject({ ok: false, message: '请先添加商品' })
    expect(basketCharge(addProduct([], productAtTill({ priceFen: 0 })), null)).toMatchObject({ ok: false, totalFen: 0 })
  })

  it('a total above the single-purchase limit is refused', () => {
    expect(basketCharge(setQuantity(addProduct([], productAtTill({ priceFen: 50_000_000 })), 'p-latte', 3), null)).toMatchObject({ ok: false, message: expect.stringContaining('上限') })
  })

  it('the order total as entered: the basket when it has lines, else the typed amount', () => {
    expect(draftOrderFen(lines, null, '999')).toBe(8200)
    expect(draftOrderFen(lines, '70', '999')).toBe(7000)
    expect(draftOrderFen(lines, '90', '999')).toBeNull()
    expect(draftOrderFen([], '70', '12.3')).toBe(1230)
    expect(draftOrderFen([], null, '')).toBeNull()
  })
})

describe('what is sent', () => {
  it('lines as recordPurchase takes them: productId, title, category, quantity, priceFen', () => {
    const lines = setQuantity(addProduct(addProduct([], LATTE), CROISSANT), 'p-croissant', 3)
    expect(purchaseLines(lines)).toEqual([
      { productId: 'p-latte', title: '拿铁', category: '咖啡', quantity: 1, priceFen: 3200 },
      { productId: 'p-croissant', title: '黄油可颂', category: '烘焙', quantity: 3, priceFen: 1800 },
    ])
  })

  it.each([
    ['6901234567014', '6901234567014'],
    [' 6901 2345 67014\n', '6901234567014'],
    ['p-latte', 'p-latte'],
    ['', null],
    ['https://example.com/x', null],
    ['条码', null],
    ['x'.repeat(65), null],
  ])('product code %j → %j', (raw, code) => {
    expect(normalizeProductCode(raw)).toBe(code)
  })
})
