import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Fail } from '../../../../types/result'
import type { ProductAtTill } from '../../../../types/staff'
import { staffApi } from '../../services/staff'
import { formatFen } from '../../utils/money'
import { normalizeProductCode } from '../basket'
import { idPart, isDenied, tillErrorText } from '../till'
import '../staff.css'

interface Props {
  /** a submission is in doubt or under way: nothing can be added */
  locked: boolean
  onAdd: (product: ProductAtTill) => void
  /** the caller is not (or no longer) staff */
  onDenied: () => void
}

type Listing = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; products: ProductAtTill[] }

const errorOf = (err: unknown) => (err instanceof Error ? err.message : '网络异常，请重试')

/**
 * Finding products for the basket: the store's quick keys, a search by name or code with category
 * chips, 扫商品码 (weapp camera) or a typed code (H5; a USB scanner types it and presses Enter).
 * Element ids start with `basket-`.
 */
export default function ProductPicker({ locked, onAdd, onDenied }: Props) {
  const isH5 = process.env.TARO_ENV === 'h5'
  const [quick, setQuick] = useState<Listing>({ status: 'loading' })
  const [categories, setCategories] = useState<string[]>([])
  const [category, setCategory] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<Listing>({ status: 'idle' })
  const [code, setCode] = useState('')
  const [message, setMessage] = useState('')
  const [looking, setLooking] = useState(false)
  const searchSeq = useRef(0)
  const lookingRef = useRef(false)
  const deniedRef = useRef(onDenied)
  deniedRef.current = onDenied

  const failed = useCallback((res: Fail) => {
    if (isDenied(res)) deniedRef.current()
    return tillErrorText(res)
  }, [])

  useEffect(() => {
    let live = true
    staffApi
      .tillQuickKeys()
      .then(res => live && setQuick(res.ok ? { status: 'ready', products: res.data.products } : { status: 'error', message: failed(res) }))
      .catch(err => live && setQuick({ status: 'error', message: errorOf(err) }))
    // one product is enough: this call is for the category chips
    staffApi
      .tillCatalog({ limit: 1 })
      .then(res => live && res.ok && setCategories(res.data.categories))
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [failed])

  const search = async (text: string, cat: string | null) => {
    const q = text.trim()
    const mine = ++searchSeq.current
    if (!q && !cat) {
      setFound({ status: 'idle' })
      return
    }
    setFound({ status: 'loading' })
    try {
      const res = await staffApi.tillCatalog({ query: q, category: cat ?? undefined, limit: 30 })
      if (mine !== searchSeq.current) return
      setFound(res.ok ? { status: 'ready', products: res.data.products } : { status: 'error', message: failed(res) })
    } catch (err) {
      if (mine === searchSeq.current) setFound({ status: 'error', message: errorOf(err) })
    }
  }

  const pickCategory = (cat: string | null) => {
    setCategory(cat)
    void search(query, cat)
  }

  const add = (p: ProductAtTill) => {
    if (locked) return
    setMessage('')
    onAdd(p)
  }

  /** A scanned or typed code → the product → into the basket. */
  const byCode = async (raw: string): Promise<boolean> => {
    if (lookingRef.current || locked) return false
    const value = normalizeProductCode(raw)
    if (!value) {
      setMessage('商品码为字母或数字，请核对')
      return false
    }
    lookingRef.current = true
    setLooking(true)
    setMessage('')
    try {
      const res = await staffApi.productByCode(value)
      if (!res.ok) {
        setMessage(failed(res))
        return false
      }
      onAdd(res.data.product)
      void Taro.showToast({ title: `已加入 ${res.data.product.title}`, icon: 'none' })
      return true
    } catch (err) {
      setMessage(errorOf(err))
      return false
    } finally {
      lookingRef.current = false
      setLooking(false)
    }
  }

  const submitCode = async () => {
    if (await byCode(code)) setCode('')
  }

  const scan = async () => {
    if (locked || lookingRef.current) return
    setMessage('')
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['barCode'] })
      const text = (res.result ?? '').trim()
      if (!text) setMessage('没有识别到商品码，请重试')
      else await byCode(text)
    } catch (err) {
      const msg = typeof err === 'object' && err && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
      if (!/cancel/i.test(msg)) setMessage(`扫码失败${msg ? `（${msg}）` : ''}，可搜索商品名或输入商品码`)
    }
  }

  const productButton = (p: ProductAtTill, id: string) => (
    <View key={p.productId} id={id} className={`basket-product${locked ? ' basket-product-locked' : ''}`} onClick={() => add(p)}>
      <Text className='basket-product-title'>{p.title}</Text>
      <Text className='muted'>{formatFen(p.priceFen)}</Text>
    </View>
  )

  return (
    <View id='basket-picker' className='card'>
      <Text className='till-section-title'>添加商品</Text>
      {!isH5 ? (
        <Button id='basket-scan' className='btn-primary' disabled={locked || looking || undefined} onClick={() => void scan()}>
          扫商品码
        </Button>
      ) : (
        <View className='till-field'>
          <Input
            id='basket-code-input'
            className='till-input'
            type='text'
            maxlength={64}
            placeholder='输入或扫入商品条码'
            disabled={locked || undefined}
            value={code}
            onInput={e => setCode(e.detail.value)}
            onConfirm={() => void submitCode()}
          />
          <Button id='basket-code-submit' className='till-field-button' size='mini' disabled={locked || looking || undefined} onClick={() => void submitCode()}>
            添加
          </Button>
        </View>
      )}
      <View className='till-field'>
        <Input
          id='basket-search-input'
          className='till-input'
          type='text'
          maxlength={40}
          placeholder='搜索商品名或商品码'
          value={query}
          onInput={e => setQuery(e.detail.value)}
          onConfirm={() => void search(query, category)}
        />
        <Button id='basket-search-submit' className='till-field-button' size='mini' onClick={() => void search(query, category)}>
          搜索
        </Button>
      </View>
      {categories.length ? (
        <View id='basket-categories' className='basket-chips'>
          {[null, ...categories].map((c, i) => (
            <Text
              key={c ?? '*'}
              // categories are free text (often Chinese): ids by position, the name in data-category
              id={c === null ? 'basket-category-all' : `basket-category-${i - 1}`}
              data-category={c ?? ''}
              className={`basket-chip${category === c ? ' basket-chip-on' : ''}`}
              onClick={() => pickCategory(c)}
            >
              {c ?? '全部'}
            </Text>
          ))}
        </View>
      ) : null}
      {message ? (
        <Text id='basket-message' className='error-text basket-message'>
          {message}
        </Text>
      ) : null}
      {found.status === 'loading' ? <Text className='muted'>搜索中…</Text> : null}
      {found.status === 'error' ? (
        <Text id='basket-results-error' className='error-text'>
          {found.message}
        </Text>
      ) : null}
      {found.status === 'ready' ? (
        <View id='basket-results' className='basket-grid'>
          {found.products.length ? found.products.map(p => productButton(p, `basket-result-${idPart(p.productId)}`)) : <Text className='muted'>没有找到在售的商品</Text>}
        </View>
      ) : null}
      <Text className='muted basket-subtitle'>常用商品</Text>
      {quick.status === 'loading' ? <Text className='muted'>加载中…</Text> : null}
      {quick.status === 'error' ? (
        <Text id='basket-quick-error' className='muted'>
          常用商品加载失败：{quick.message}
        </Text>
      ) : null}
      {quick.status === 'ready' ? (
        <View id='basket-quick' className='basket-grid'>
          {quick.products.length ? quick.products.map(p => productButton(p, `basket-quick-${idPart(p.productId)}`)) : <Text className='muted'>商品库为空，可直接输入金额</Text>}
        </View>
      ) : null}
    </View>
  )
}
