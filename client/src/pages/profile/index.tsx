import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChangeEvent } from 'react'
import { Button, Image, Input, Label, Picker, Radio, RadioGroup, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { MemberProfile } from '../../../../types/member'
import { fileUrl, uploadFile } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { GENDER_OPTIONS, avatarCloudPath, imageExt, shanghaiToday, type Gender } from '../../utils/format'
import { changedFields, draftOf, type ProfileDraft } from '../../utils/profile'
import { PageError, PageLoading } from '../../components/page-state'
import { CONSENT_NEEDED_TEXT, PrivacyConsent, PrivacyGate, withPrivacyConsent } from '../../components/privacy-consent'
import './index.css'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' }

function goHome() {
  if (Taro.getCurrentPages().length > 1) {
    Taro.navigateBack().catch(() => Taro.reLaunch({ url: '/pages/index/index' }))
  } else {
    void Taro.reLaunch({ url: '/pages/index/index' })
  }
}

export default function ProfilePage() {
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [member, setMember] = useState<MemberProfile | null>(null)
  const [draft, setDraft] = useState<ProfileDraft | null>(null)
  const [avatarPreview, setAvatarPreview] = useState('')
  const [uploading, setUploading] = useState(false)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState('')
  const savingRef = useRef(false)

  const fetchProfile = useCallback(async () => {
    setLoad({ status: 'loading' })
    const res = await memberApi.getProfile()
    if (!res.ok) {
      setLoad({ status: 'error', message: failText(res) })
      return
    }
    const m = res.data.member
    setMember(m)
    setDraft(draftOf(m))
    setAvatarPreview(m.avatarFileId ? await fileUrl(m.avatarFileId) : '')
    setLoad({ status: 'ready' })
  }, [])

  useEffect(() => {
    void fetchProfile()
  }, [fetchProfile])

  // back from 绑定手机号: show the new number without touching what is being edited
  const shown = useRef(false)
  useDidShow(() => {
    if (!shown.current) {
      shown.current = true
      return
    }
    void memberApi
      .getProfile()
      .then(res => {
        if (res.ok) setMember(m => (m ? { ...m, phone: res.data.member.phone } : m))
      })
      .catch(() => {})
  })

  const update = (patch: Partial<ProfileDraft>) => setDraft(d => (d ? { ...d, ...patch } : d))

  /** Uploads a chosen image to avatars/<openid>/<timestamp>.<ext> and keeps the fileID in the draft. */
  const applyAvatar = async (tempFilePath: string, mimeType?: string) => {
    if (!member || !tempFilePath) return
    setError('')
    setUploading(true)
    const previous = avatarPreview
    setAvatarPreview(tempFilePath)
    try {
      const fileID = await uploadFile(avatarCloudPath(member.openid, imageExt(tempFilePath, mimeType)), tempFilePath)
      update({ avatarFileId: fileID })
    } catch (err) {
      setAvatarPreview(previous)
      setError(`头像上传失败：${err instanceof Error ? err.message : '请重试'}`)
    } finally {
      setUploading(false)
    }
  }

  const onH5File = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (file) void applyAvatar(URL.createObjectURL(file), file.type)
  }

  /**
   * H5, right after 同意: put the cursor in the nickname field the tap was for (Taro's H5 Input wraps an
   * <input>), once the cover is gone (the field is rendered anew without it).
   */
  const focusNickname = () => {
    setError('')
    setTimeout(() => {
      const field = document.getElementById('profile-nickname')
      const input = field instanceof HTMLInputElement ? field : field?.querySelector('input')
      input?.focus()
    }, 0)
  }

  /** H5, right after 同意: open the file picker the tap was for (the agree tap still counts as a user gesture). */
  const openFilePicker = () => {
    setError('')
    document.getElementById('profile-avatar-file')?.click()
  }

  const save = async () => {
    // H5's taro-button-core still fires onClick when disabled: guard here too
    if (!member || !draft || uploading || savingRef.current) return
    const patch = changedFields(member, draft)
    if (Object.keys(patch).length === 0) {
      void Taro.showToast({ title: '没有修改', icon: 'none' })
      return
    }
    savingRef.current = true
    setSaving(true)
    setError('')
    try {
      // a new avatar or nickname without the member's consent on record: the server refuses, we ask and send again
      const res = await withPrivacyConsent(() => memberApi.updateProfile(patch))
      if (!res.ok) {
        setError(failText(res))
        return
      }
      setMember(res.data.member)
      setDraft(draftOf(res.data.member))
      void Taro.showToast({ title: '已保存', icon: 'success' })
      setTimeout(goHome, 800)
    } finally {
      savingRef.current = false
      setSaving(false)
    }
  }

  if (load.status === 'loading' || !draft) {
    if (load.status === 'error') {
      return <PageError id='profile-load-error' retryId='profile-retry' message={load.message} onRetry={() => void fetchProfile()} />
    }
    return <PageLoading id='profile-loading' />
  }

  const avatar = avatarPreview ? (
    <Image id='profile-avatar-image' className='profile-avatar-image' src={avatarPreview} mode='aspectFill' />
  ) : (
    <View className='profile-avatar-image profile-avatar-placeholder'>+</View>
  )

  return (
    <View className='page'>
      <View className='card profile-avatar-row'>
        {/* a chosen picture is personal data: asked for consent first when it is missing or out of date */}
        <PrivacyGate id='profile-avatar-consent' onAllowed={process.env.TARO_ENV === 'h5' ? openFilePicker : undefined} onRefused={() => setError(CONSENT_NEEDED_TEXT)}>
          {process.env.TARO_ENV === 'h5' ? (
            // chooseAvatar does not exist in browsers: a plain file input instead
            <label id='profile-avatar' className='profile-avatar-button'>
              {avatar}
              <input id='profile-avatar-file' className='profile-avatar-file' type='file' accept='image/*' onChange={onH5File} />
            </label>
          ) : (
            <Button id='profile-avatar' className='profile-avatar-button' openType='chooseAvatar' onChooseAvatar={e => void applyAvatar((e.detail as { avatarUrl?: string }).avatarUrl ?? '')}>
              {avatar}
            </Button>
          )}
        </PrivacyGate>
        <Text className='muted'>{uploading ? '头像上传中…' : '点击更换头像'}</Text>
      </View>

      <View className='card'>
        <View className='profile-field'>
          <Text className='profile-label'>昵称</Text>
          {/* the WeChat nickname (type='nickname' offers it) is personal data like the avatar: asked for consent first
              when the member's record is missing or out of date; on weapp WeChat's own check asks through onNeedPrivacyAuthorization */}
          <PrivacyGate id='profile-nickname-consent' onAllowed={process.env.TARO_ENV === 'h5' ? focusNickname : undefined} onRefused={() => setError(CONSENT_NEEDED_TEXT)}>
            <Input
              id='profile-nickname'
              className='profile-input'
              type={process.env.TARO_ENV === 'h5' ? 'text' : 'nickname'}
              placeholder='请输入昵称'
              value={draft.nickname}
              onInput={e => update({ nickname: e.detail.value })}
              onBlur={e => update({ nickname: e.detail.value })}
            />
          </PrivacyGate>
        </View>

        <Picker mode='date' value={draft.birthday ?? '2000-01-01'} start='1900-01-01' end={shanghaiToday()} onChange={e => update({ birthday: e.detail.value })}>
          <View className='profile-field'>
            <Text className='profile-label'>生日</Text>
            <Text id='profile-birthday' className={draft.birthday ? 'profile-value' : 'profile-value muted'}>
              {draft.birthday ?? '请选择'}
            </Text>
          </View>
        </Picker>

        <View className='profile-field'>
          <Text className='profile-label'>性别</Text>
          <RadioGroup id='profile-gender' className='profile-gender' onChange={e => update({ gender: e.detail.value as Gender })}>
            {GENDER_OPTIONS.map(o => (
              <Label key={o.value} id={`profile-gender-${o.value}`} className='profile-gender-option'>
                <Radio className='profile-gender-radio' value={o.value} checked={draft.gender === o.value} color='#b8860b' />
                <Text>{o.label}</Text>
              </Label>
            ))}
          </RadioGroup>
        </View>
      </View>

      <View className='card'>
        <View id='profile-phone-row' className='profile-field' onClick={() => void Taro.navigateTo({ url: '/pages/phone/index' })}>
          <Text className='profile-label'>手机号</Text>
          {/* the member's own number, unmasked (staff only ever see it masked) */}
          <Text id='profile-phone' className={member?.phone ? 'profile-value' : 'profile-value muted'}>
            {member?.phone || '未绑定'}
          </Text>
          <Text id='profile-phone-bind' className='profile-link'>
            {member?.phone ? '更换' : '去绑定'} ›
          </Text>
        </View>
        <View id='profile-reminders-entry' className='profile-field' onClick={() => void Taro.navigateTo({ url: '/pages/reminders/index' })}>
          <Text className='profile-label'>提醒设置</Text>
          <Text className='profile-value muted'>到期、签到等消息提醒</Text>
          <Text className='profile-link'>管理 ›</Text>
        </View>
      </View>

      {error ? (
        <View id='profile-error' className='profile-error error-text'>
          {error}
        </View>
      ) : null}

      <Button
        id='profile-save'
        className='profile-save btn-primary'
        // No `loading` prop: on H5 its spinner is inserted next to React's children and breaks patching.
        // `|| undefined`: on H5 disabled={false} renders disabled="false", which Taro's CSS styles as disabled.
        disabled={saving || uploading || undefined}
        onClick={() => void save()}
      >
        {saving ? '保存中…' : '保存'}
      </Button>

      <View id='profile-privacy-entry' className='profile-privacy-entry muted' onClick={() => void Taro.navigateTo({ url: '/pages/privacy/index' })}>
        隐私与账号（隐私指引 / 导出数据 / 注销账号）›
      </View>

      <PrivacyConsent />
    </View>
  )
}
