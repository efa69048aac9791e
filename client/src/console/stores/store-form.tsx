import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { StoreView } from '../../../../types/console'
import { storesApi } from '../../services/console-stores'
import StoresField from './field'
import { CITY_MAX, STORE_NAME_MAX, errorOf, failErrors, storeErrors, type FormErrors } from './forms'

const FIELDS = ['storeId', 'name', 'city'] as const

/**
 * 新建门店 (`store` absent) or 修改 a store's name and city (`upsertStore`, audited). The store id
 * cannot change: it is what staff rows, purchases and managers point at.
 */
export default function StoreForm(props: { store?: StoreView; onSaved: (store: StoreView) => void; onCancel: () => void }) {
  const editing = !!props.store
  const [input, setInput] = useState({ storeId: props.store?.storeId ?? '', name: props.store?.name ?? '', city: props.store?.city ?? '' })
  const [errors, setErrors] = useState<FormErrors>({})
  const [busy, setBusy] = useState(false)

  const set = (field: (typeof FIELDS)[number], value: string) => {
    setInput(prev => ({ ...prev, [field]: value }))
    setErrors(prev => ({ ...prev, [field]: '', '': '' }))
  }

  const submit = async () => {
    const found = storeErrors(input)
    if (Object.keys(found).length) return setErrors(found)
    setBusy(true)
    setErrors({})
    try {
      const res = await storesApi.upsertStore({ storeId: input.storeId.trim(), name: input.name.trim(), city: input.city.trim() })
      if (!res.ok) return setErrors(failErrors(res, FIELDS))
      void Taro.showToast({ title: res.data.created ? '门店已创建' : '门店已保存', icon: 'success' })
      props.onSaved({ ...res.data.store, updatedAt: new Date().toISOString() })
    } catch (err) {
      setErrors({ '': errorOf(err) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View id='stores-form' className='card stores-card'>
      <Text className='m360-section-title'>{editing ? '修改门店' : '新建门店'}</Text>
      <StoresField
        id='stores-form-storeId'
        label='门店编号'
        value={input.storeId}
        maxlength={32}
        placeholder='如 store_sh_002（创建后不可改）'
        disabled={editing}
        error={errors.storeId}
        onInput={v => set('storeId', v)}
      />
      <StoresField id='stores-form-name' label='门店名称' value={input.name} maxlength={STORE_NAME_MAX} placeholder='如 上海徐汇店' error={errors.name} onInput={v => set('name', v)} />
      <StoresField id='stores-form-city' label='城市' value={input.city} maxlength={CITY_MAX} placeholder='选填，如 上海' error={errors.city} onInput={v => set('city', v)} />
      {errors[''] ? (
        <Text id='stores-form-error' className='error-text'>
          {errors['']}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='stores-form-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={() => void submit()}>
          {busy ? '保存中' : editing ? '保存' : '创建'}
        </Button>
        <Button id='stores-form-cancel' className='m360-action' size='mini' onClick={props.onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}
