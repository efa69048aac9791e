/** The product catalog from the console: upsert, import (idempotent), list; consumers are refused. */
import { useEmulator, signUp } from './support'

const env = useEmulator()
const product = (id: string, overrides: Record<string, unknown> = {}) => ({ productId: id, title: `商品 ${id}`, category: 'coffee', tags: ['咖啡'], priceFen: 3000, ...overrides })

test('upsert, import twice (the rerun changes nothing), list by category and on-sale; audited', async () => {
  expect(await env.admin({ action: 'upsertProduct', product: product('latte') })).toMatchObject({ ok: true, data: { outcome: 'created' } })
  expect(await env.admin({ action: 'upsertProduct', product: product('latte', { priceFen: 3200 }) })).toMatchObject({ ok: true, data: { outcome: 'updated' } })
  const rows = [product('latte', { priceFen: 3200 }), product('mocha'), product('oolong', { category: 'tea', onSale: false })]
  expect(await env.admin({ action: 'importProducts', products: rows })).toMatchObject({ ok: true, data: { created: 2, updated: 0, unchanged: 1 } })
  expect(await env.admin({ action: 'importProducts', products: rows })).toMatchObject({ ok: true, data: { created: 0, updated: 0, unchanged: 3 } })
  const coffee = await env.admin({ action: 'listProducts', category: 'coffee' })
  expect(coffee.data).toMatchObject({ total: 2, products: [{ productId: 'latte', priceFen: 3200 }, { productId: 'mocha' }] })
  expect((await env.admin({ action: 'listProducts', onSale: false })).data.products.map((p: any) => p.productId)).toEqual(['oolong'])
  expect((await env.db.collection('audit_log').where({ action: 'upsertProduct', target: 'latte' }).get()).data).toHaveLength(2)
})

test('bad products are INVALID_ARGUMENT; consumers are PERMISSION_DENIED', async () => {
  for (const bad of [product('a b'), product('x', { priceFen: -1 }), product('x', { title: '' }), { productId: 'x' }]) {
    expect(await env.admin({ action: 'upsertProduct', product: bad })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  }
  expect(await env.admin({ action: 'importProducts', products: [] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  await signUp(env, 'o_prod_consumer')
  expect(await env.admin({ action: 'listProducts' }, 'o_prod_consumer')).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' })
})
