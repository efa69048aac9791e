import { useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { consoleApi } from '../../services/console'
import { failText } from '../../services/errors'
import { TAG_MAX, errorOf } from './form-utils'

/** 打标签 / 去标签: the member's manual tags (the rule tags of the daily job are not edited here). */
export default function TagForm(props: { memberNo: string; manualTags: string[]; onDone: () => void; onCancel: () => void }) {
  const [tag, setTag] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const send = async (change: { add?: string[]; remove?: string[] }, done: string) => {
    setBusy(true)
    setError('')
    try {
      const res = await consoleApi.tagMember({ memberNo: props.memberNo, ...change })
      if (!res.ok) return setError(failText(res))
      if (res.data.missing.length) return setError('会员不存在或已注销')
      void Taro.showToast({ title: done, icon: 'success' })
      setTag('')
      props.onDone()
    } catch (err) {
      setError(errorOf(err))
    } finally {
      setBusy(false)
    }
  }

  const add = () => {
    const text = tag.trim()
    if (!text) return setError('请输入标签')
    if (text.length > TAG_MAX) return setError(`标签最多 ${TAG_MAX} 个字`)
    if (props.manualTags.includes(text)) return setError('已有这个标签')
    void send({ add: [text] }, '已打标签')
  }

  return (
    <View id='m360-tag-form' className='m360-form'>
      <View className='m360-field'>
        <Text className='m360-field-label'>新标签</Text>
        <Input
          id='m360-tag-input'
          className='m360-field-input'
          value={tag}
          maxlength={TAG_MAX}
          placeholder='如：大客户'
          onInput={e => {
            setTag(e.detail.value)
            setError('')
          }}
        />
      </View>
      <View id='m360-tag-manual' className='m360-badges'>
        {props.manualTags.length === 0 ? <Text className='muted'>暂无人工标签</Text> : null}
        {props.manualTags.map((t, i) => (
          <View key={t} className='m360-badge m360-tag m360-tag-manual'>
            <Text>{t}</Text>
            <Text id={`m360-untag-${i}`} className='m360-untag' aria-label={`去掉标签 ${t}`} onClick={() => (busy ? undefined : void send({ remove: [t] }, '已去标签'))}>
              ×
            </Text>
          </View>
        ))}
      </View>
      {error ? (
        <Text id='m360-tag-error' className='error-text'>
          {error}
        </Text>
      ) : null}
      <View className='m360-actions'>
        <Button id='m360-tag-submit' className='m360-action btn-primary' size='mini' disabled={busy || undefined} onClick={add}>
          {busy ? '保存中' : '打标签'}
        </Button>
        <Button id='m360-tag-cancel' className='m360-action' size='mini' onClick={props.onCancel}>
          完成
        </Button>
      </View>
    </View>
  )
}
