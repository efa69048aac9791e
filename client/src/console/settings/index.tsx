import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { SettingsForm, SettingsSection } from '../../../../types/console'
import type { Result } from '../../../../types/result'
import { failText } from '../../services/errors'
import { settingsApi } from '../../services/console-settings'
import { shanghaiDateTimeText } from '../../utils/format'
import { usePageLoad } from '../../utils/use-page-load'
import ConsoleDenied from '../components/denied'
import ConsoleHeader from '../components/header'
import { toDraft, toWire, type JsonSchema } from './json-schema'
import SchemaForm from './schema-form'
import { fromEventPaths, placeIssues, validateDraft, type FieldIssue } from './validate'
import '../console.css'
import './settings.css'

export const SETTINGS_TABS: ReadonlyArray<{ id: SettingsSection; label: string }> = [
  { id: 'points', label: '积分规则' },
  { id: 'checkin', label: '签到规则' },
  { id: 'tasks', label: '任务与邀请' },
  { id: 'tiers', label: '会员等级' },
  { id: 'reminders', label: '提醒设置' },
  { id: 'birthday', label: '生日礼' },
]

const DENIED = { denied: true } as const
type Editing = { kind: 'form'; form: SettingsForm; draft: unknown; errors: Map<string, string[]>; dirty: boolean }
type Ready = { status: 'ready'; view: { kind: 'denied' } | Editing }

const isDenied = (code: string) => code === 'PERMISSION_DENIED' || code === 'UNAUTHENTICATED'
const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')
const NO_ERRORS: Map<string, string[]> = new Map()

/** A denied answer is a page state (无管理权限), not an error to retry. */
async function loadForm(section: SettingsSection): Promise<Result<SettingsForm | typeof DENIED>> {
  const res = await settingsApi.form(section)
  return !res.ok && isDenied(res.code) ? { ok: true, data: DENIED } : res
}

function editing(form: SettingsForm): Editing {
  return { kind: 'form', form, draft: toDraft(form.schema as JsonSchema, form.value), errors: NO_ERRORS, dirty: false }
}

/**
 * 设置 (brand admins): 积分、签到、任务与邀请、会员等级、提醒 rules, each edited in a form generated
 * from the JSON Schema the function answers (no zod in the client). 保存 checks what the schema says
 * first, then calls the section's set action; every issue (the form's or the function's) is shown
 * next to the field its path names.
 */
export default function ConsoleSettingsPage() {
  const [section, setSection] = useState<SettingsSection>('points')
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState('')
  const { load, setLoad, refresh, seq } = usePageLoad<SettingsForm | typeof DENIED, Ready>(
    () => loadForm(section),
    (data, shown): Ready => {
      if ('denied' in data) return { status: 'ready', view: { kind: 'denied' } }
      // a quiet reload (after 保存) keeps edits made since
      const mine = shown.status === 'ready' && shown.view.kind === 'form' && shown.view.dirty && shown.view.form.section === data.section ? shown.view : null
      return { status: 'ready', view: mine ? { ...mine, form: data } : editing(data) }
    },
  )

  useEffect(() => {
    setLoad({ status: 'loading' })
    setSaveError('')
    void refresh(false)
  }, [section, refresh, setLoad])

  const view = load.status === 'ready' ? load.view : null
  const form = view?.kind === 'form' ? view : null

  const update = (change: (e: Editing) => Editing) => setLoad(l => (l.status === 'ready' && l.view.kind === 'form' ? { ...l, view: change(l.view) } : l))

  /** Once errors are shown, they follow the edits (what the function said goes until the next save). */
  const edit = (draft: unknown) =>
    update(e => ({ ...e, draft, dirty: true, errors: e.errors.size ? placeIssues(e.form.schema as JsonSchema, draft, validateDraft(e.form.schema as JsonSchema, draft)) : e.errors }))

  const showIssues = (issues: FieldIssue[]) => update(e => ({ ...e, errors: placeIssues(e.form.schema as JsonSchema, e.draft, issues) }))

  const choose = async (next: SettingsSection) => {
    if (next === section) return
    if (form?.dirty) {
      const answer = await Taro.showModal({ title: '放弃修改？', content: '本页的修改还没有保存，切换后会丢失。' })
      if (!answer.confirm) return
    }
    setSection(next)
  }

  const save = async () => {
    if (!form || saving) return
    const schema = form.form.schema as JsonSchema
    const issues = validateDraft(schema, form.draft)
    if (issues.length) {
      showIssues(issues)
      setSaveError(`有 ${issues.length} 处需要修改，见标注`)
      return
    }
    setSaving(true)
    setSaveError('')
    try {
      const res = await settingsApi.save(form.form.save, toWire(schema, form.draft))
      if (res.ok) {
        seq.current++ // a load still in flight must not bring the old value back
        setLoad({ status: 'ready', view: editing({ ...form.form, value: res.data.rules, isDefault: false }) })
        void Taro.showToast({ title: '已保存', icon: 'success' })
        void refresh(true)
      } else if (isDenied(res.code)) {
        setLoad({ status: 'ready', view: { kind: 'denied' } })
      } else {
        showIssues(res.issues?.length ? fromEventPaths(form.form.save.field, res.issues) : [])
        setSaveError(failText(res))
      }
    } catch (err) {
      setSaveError(errorOf(err))
    } finally {
      setSaving(false)
    }
  }

  if (view?.kind === 'denied') return <ConsoleDenied />

  return (
    <View className='console-page settings-page'>
      <ConsoleHeader title='设置' />
      <View id='settings-sections' className='console-chips' role='tablist'>
        {SETTINGS_TABS.map(t => (
          <View
            key={t.id}
            id={`settings-section-${t.id}`}
            className={`console-chip ${t.id === section ? 'console-chip-on' : ''}`}
            role='tab'
            aria-selected={t.id === section ? 'true' : 'false'}
            onClick={() => void choose(t.id)}
          >
            {t.label}
          </View>
        ))}
      </View>

      {load.status === 'loading' ? (
        <View id='settings-loading' className='state muted'>
          加载中…
        </View>
      ) : null}
      {load.status === 'error' ? (
        <View id='settings-error' className='card state'>
          <Text className='error-text'>{load.message}</Text>
          <Button id='settings-retry' className='btn-primary' onClick={() => void refresh(false)}>
            重试
          </Button>
        </View>
      ) : null}
      {form ? (
        <View id={`settings-${form.form.section}`} className='card settings-card'>
          <View className='settings-head'>
            <Text className='m360-section-title'>{form.form.title}</Text>
            <Text id='settings-status' className='muted settings-status'>
              {form.form.isDefault ? '当前为默认规则，保存后生效' : form.form.updatedAt ? `上次保存 ${shanghaiDateTimeText(form.form.updatedAt)}` : ''}
            </Text>
          </View>
          <SchemaForm idPrefix='settings-form' schema={form.form.schema as JsonSchema} value={form.draft} onChange={edit} errors={form.errors} />
          {saveError ? (
            <Text id='settings-save-error' className='error-text'>
              {saveError}
            </Text>
          ) : null}
          <View className='settings-actions'>
            <Button id='settings-save' className='btn-primary settings-save' disabled={saving || undefined} onClick={() => void save()}>
              {saving ? '保存中…' : '保存'}
            </Button>
            <Button
              id='settings-reset'
              className='settings-reset'
              disabled={!form.dirty || saving || undefined}
              onClick={() => {
                setSaveError('')
                update(e => editing(e.form))
              }}
            >
              撤销修改
            </Button>
          </View>
        </View>
      ) : null}
    </View>
  )
}
