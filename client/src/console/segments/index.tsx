import { useCallback, useEffect, useMemo, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { SegmentRule, SegmentView } from '../../../../types/segments'
import { consoleApi } from '../../services/console'
import { segmentsApi } from '../../services/console-segments'
import { failText } from '../../services/errors'
import { usePageLoad } from '../../utils/use-page-load'
import ConsoleDenied from '../components/denied'
import ConsoleHeader from '../components/header'
import SegmentBuilder from './builder'
import ExportPanel from './export-panel'
import PreviewPanel from './preview-panel'
import { checkDraft, draftFromRule, issuesByPlace } from './rule-convert'
import { emptyDraft, type Option, type RuleDraft } from './rule-draft'
import SaveForm, { type SaveErrors, type SaveMeta } from './save-form'
import SegmentList, { type ListLoad } from './segment-list'
import { useSegmentPreview } from './use-preview'
import '../console.css'
import './segments.css'

const isDenied = (code: string) => code === 'PERMISSION_DENIED' || code === 'UNAUTHENTICATED'
const errorOf = (err: unknown) => (err instanceof Error && err.message ? err.message : '网络异常，请重试')
const EMPTY_META: SaveMeta = { segmentId: '', name: '' }

/**
 * 人群 (brand admins): build a rule from conditions (全部满足 / 任一满足) with a live count and sample,
 * save it under an id and a name, open, delete and 导出 CSV saved ones. The builder and its preview
 * on the left, saving, export and the saved list on the right in a desktop window; stacked on a phone.
 */
/** How often the list asks again while a saved segment's members are being found. */
export const COMPUTING_POLL_MS = 30_000

export default function ConsoleSegmentsPage() {
  const [denied, setDenied] = useState(false)
  const [tiers, setTiers] = useState<Option[]>([])
  const [draft, setDraftState] = useState<RuleDraft>(emptyDraft)
  const [meta, setMeta] = useState<SaveMeta>(EMPTY_META)
  const [opened, setOpened] = useState<SegmentView | null>(null)
  const [saveErrors, setSaveErrors] = useState<SaveErrors>({})
  const [saveIssues, setSaveIssues] = useState<Record<number, string>>({})
  const [saving, setSaving] = useState(false)
  const [busyId, setBusyId] = useState<string | null>(null)
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({})
  const onDenied = useCallback(() => setDenied(true), [])

  const { load, setLoad, refresh, seq } = usePageLoad<{ segments: SegmentView[] }, Extract<ListLoad, { status: 'ready' }>>(
    async () => {
      const res = await segmentsApi.list()
      if (!res.ok && isDenied(res.code)) setDenied(true)
      return res
    },
    data => ({ status: 'ready', segments: data.segments }),
  )

  useEffect(() => {
    void refresh(false)
    // the tier names for 等级 (without them the tier id is typed)
    consoleApi.getTierLadder().then(
      res => res.ok && setTiers(res.data.rules.tiers.map(t => ({ value: t.tierId, label: t.name }))),
      () => undefined,
    )
  }, [refresh])

  // a saved segment whose members are still being found (on the tiers timer): ask again until they are
  const computing = load.status === 'ready' && load.segments.some(s => s.membership.state === 'computing')
  useEffect(() => {
    if (!computing) return
    const timer = setInterval(() => void refresh(true), COMPUTING_POLL_MS)
    return () => clearInterval(timer)
  }, [computing, refresh])

  const check = useMemo(() => checkDraft(draft), [draft])
  const preview = useSegmentPreview(check.rule, onDenied)
  const previewIssues = preview.status === 'error' ? issuesByPlace(preview.issues, draft.match).conditions : {}
  const conditionErrors = { ...previewIssues, ...saveIssues, ...check.errors }
  const dirty = !!opened && JSON.stringify(check.rule) !== JSON.stringify({ all: opened.rule.all, any: opened.rule.any })

  const setDraft = (next: RuleDraft) => {
    setDraftState(next)
    setSaveIssues({})
    setSaveErrors(e => ({ ...e, form: undefined }))
  }

  const openSegment = (s: SegmentView) => {
    setDraftState(draftFromRule(s.rule))
    setMeta({ segmentId: s.segmentId, name: s.name })
    setOpened(s)
    setSaveErrors({})
    setSaveIssues({})
  }

  const startNew = () => {
    setDraftState(emptyDraft())
    setMeta(EMPTY_META)
    setOpened(null)
    setSaveErrors({})
    setSaveIssues({})
  }

  const save = async () => {
    const segmentId = meta.segmentId.trim()
    const name = meta.name.trim()
    const errors: SaveErrors = {}
    if (!segmentId) errors.segmentId = '请填写人群编号'
    if (!name) errors.name = '请填写人群名称'
    if (!check.rule) errors.form = check.incomplete ? '请先补全条件' : '请先修正标红的条件'
    setSaveErrors(errors)
    setSaveIssues({})
    if (Object.keys(errors).length || !check.rule) return
    const existing = load.status === 'ready' ? load.segments.find(s => s.segmentId === segmentId) : undefined
    if (existing && opened?.segmentId !== segmentId) {
      const answer = await Taro.showModal({ title: '覆盖已有人群？', content: `编号 ${segmentId} 已是「${existing.name}」，保存会替换它的名称和条件。`, confirmText: '覆盖' })
      if (!answer.confirm) return
    }
    const rule = check.rule
    setSaving(true)
    try {
      const res = await segmentsApi.save({ segmentId, name, rule })
      if (res.ok) {
        void Taro.showToast({ title: res.data.created ? '已保存' : '已更新', icon: 'success' })
        setMeta({ segmentId, name })
        setOpened({ segmentId, name, rule: rule as SegmentRule, updatedAt: new Date().toISOString(), membership: { state: res.data.membership, visited: 0, asOf: null } })
        void refresh(true)
      } else if (isDenied(res.code)) setDenied(true)
      else {
        const places = issuesByPlace(res.issues ?? [], draft.match)
        setSaveIssues(places.conditions)
        const placed = Object.keys(places.conditions).length + (places.fields.segmentId ? 1 : 0) + (places.fields.name ? 1 : 0)
        setSaveErrors({ segmentId: places.fields.segmentId, name: places.fields.name, form: places.fields.rule ?? (placed ? undefined : failText(res)) })
      }
    } catch (err) {
      setSaveErrors({ form: errorOf(err) })
    } finally {
      setSaving(false)
    }
  }

  const remove = async (s: SegmentView) => {
    const answer = await Taro.showModal({ title: '删除人群？', content: `删除「${s.name}」（${s.segmentId}）后不可恢复。`, confirmText: '删除' })
    if (!answer.confirm) return
    setBusyId(s.segmentId)
    setRowErrors(({ [s.segmentId]: _gone, ...rest }) => rest)
    try {
      const res = await segmentsApi.remove(s.segmentId)
      if (res.ok) {
        void Taro.showToast({ title: '已删除', icon: 'success' })
        if (opened?.segmentId === s.segmentId) setOpened(null)
        // shown at once; a refresh still in flight must not bring the row back
        seq.current++
        setLoad(l => (l.status === 'ready' ? { ...l, segments: l.segments.filter(x => x.segmentId !== s.segmentId) } : l))
        void refresh(true)
      } else if (isDenied(res.code)) setDenied(true)
      else setRowErrors(e => ({ ...e, [s.segmentId]: failText(res) }))
    } catch (err) {
      setRowErrors(e => ({ ...e, [s.segmentId]: errorOf(err) }))
    } finally {
      setBusyId(null)
    }
  }

  if (denied) return <ConsoleDenied />

  return (
    <View className='console-page'>
      <ConsoleHeader title='人群'>
        <Text id='segments-editing' className='console-scope'>
          {opened ? `编辑：${opened.name}` : '新人群'}
        </Text>
      </ConsoleHeader>
      <View className='segments-split'>
        <View className='segments-main'>
          <SegmentBuilder draft={draft} tiers={tiers} errors={conditionErrors} onChange={setDraft} />
          <PreviewPanel preview={preview} incomplete={check.incomplete} tiers={tiers} />
        </View>
        <View className='segments-side'>
          <Button id='segments-new' className='segments-new' size='mini' onClick={startNew}>
            新建人群
          </Button>
          <SaveForm
            meta={meta}
            errors={saveErrors}
            busy={saving}
            editing={!!opened && opened.segmentId === meta.segmentId.trim()}
            onChange={next => {
              setSaveErrors(e => ({ ...e, segmentId: next.segmentId === meta.segmentId ? e.segmentId : undefined, name: next.name === meta.name ? e.name : undefined }))
              setMeta(next)
            }}
            onSave={() => void save()}
          />
          {opened ? <ExportPanel key={opened.segmentId} segment={opened} dirty={dirty} onDenied={onDenied} /> : null}
          <SegmentList
            load={load}
            openedId={opened?.segmentId ?? null}
            busyId={busyId}
            rowErrors={rowErrors}
            tiers={tiers}
            onOpen={openSegment}
            onDelete={s => void remove(s)}
            onRetry={() => void refresh(false)}
          />
        </View>
      </View>
    </View>
  )
}
