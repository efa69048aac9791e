import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Result } from '../../../../types/result'
import StoresField from './field'
import { PERSON_NAME_MAX, errorOf, failErrors, personErrors, type FormErrors } from './forms'

/**
 * 任命 someone to the store (店员 or 店长): who they are (a member number or an OPENID; a manager by
 * OPENID only) and their name, checked here first, then `submit`; the function's field errors land
 * next to the field they name (`aliases`: an event field → this form's field).
 */
export default function AppointForm(props: {
  /** element ids: `<id>-form`, `<id>-<whoField>`, `<id>-name`, `<id>-form-error`, `<id>-submit` */
  id: string
  title: string
  whoField: 'who' | 'openid'
  whoLabel: string
  whoPlaceholder: string
  namePlaceholder: string
  submitText: string
  doneToast: string
  submit: (who: string, name: string) => Promise<Result<unknown>>
  aliases?: Record<string, string>
  onDone: () => void
}) {
  const [who, setWho] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<FormErrors>({})
  const [busy, setBusy] = useState(false)

  const appoint = async () => {
    const found = personErrors({ who, name }, props.whoField, props.whoField === 'openid')
    if (Object.keys(found).length) return setErrors(found)
    setBusy(true)
    setErrors({})
    try {
      const res = await props.submit(who.trim(), name.trim())
      if (!res.ok) return setErrors(failErrors(res, [props.whoField, 'name'], props.aliases))
      setWho('')
      setName('')
      void Taro.showToast({ title: props.doneToast, icon: 'success' })
      props.onDone()
    } catch (err) {
      setErrors({ '': errorOf(err) })
    } finally {
      setBusy(false)
    }
  }

  const edit = (set: (v: string) => void) => (v: string) => {
    set(v)
    setErrors({})
  }

  return (
    <View id={`${props.id}-form`} className='stores-subform'>
      <Text className='stores-subtitle'>{props.title}</Text>
      <StoresField id={`${props.id}-${props.whoField}`} label={props.whoLabel} value={who} maxlength={64} placeholder={props.whoPlaceholder} error={errors[props.whoField]} onInput={edit(setWho)} />
      <StoresField id={`${props.id}-name`} label='姓名' value={name} maxlength={PERSON_NAME_MAX} placeholder={props.namePlaceholder} error={errors.name} onInput={edit(setName)} />
      {errors[''] ? (
        <Text id={`${props.id}-form-error`} className='error-text'>
          {errors['']}
        </Text>
      ) : null}
      <Button id={`${props.id}-submit`} className='btn-primary' size='mini' disabled={busy || undefined} onClick={() => void appoint()}>
        {busy ? '提交中' : props.submitText}
      </Button>
    </View>
  )
}
