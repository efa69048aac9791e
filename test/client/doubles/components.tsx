/**
 * Test double for `@tarojs/components` (mapped in jest.config.js): plain DOM elements with Taro's
 * event shapes (`onInput` → `{ detail: { value } }`, Picker/RadioGroup `onChange` → `{ detail: { value } }`,
 * Button `openType="chooseAvatar"` → `onChooseAvatar({ detail: { avatarUrl } })`, `openType="getPhoneNumber"` →
 * `onGetPhoneNumber({ detail: { code } })`, Textarea → a <textarea> with `onInput`, Switch → a checkbox
 * with `onChange({ detail: { value } })`, Canvas → a <canvas>).
 */
import type { CSSProperties, ReactNode } from 'react'

type Handler = (e: { detail: any; type?: string; stopPropagation(): void; preventDefault(): void }) => void

interface Common {
  id?: string
  className?: string
  style?: CSSProperties | string
  children?: ReactNode
  onClick?: Handler
  [key: string]: unknown
}

function taroEvent(detail: unknown, type?: string) {
  return { detail, type, stopPropagation() {}, preventDefault() {} }
}

/** id, className, style (objects only) and data-* attributes. */
function dom(props: Common) {
  const out: Record<string, unknown> = { id: props.id, className: props.className }
  if (props.style && typeof props.style === 'object') out.style = props.style
  for (const [k, v] of Object.entries(props)) if (k.startsWith('data-') || k.startsWith('aria-')) out[k] = v
  return out
}

const click = (onClick?: Handler) => (onClick ? () => onClick(taroEvent({}, 'tap')) : undefined)

export function View(props: Common) {
  return (
    <div {...dom(props)} onClick={click(props.onClick)}>
      {props.children}
    </div>
  )
}

export function Text(props: Common) {
  return (
    <span {...dom(props)} onClick={click(props.onClick)}>
      {props.children}
    </span>
  )
}

export function Label(props: Common) {
  return <label {...dom(props)}>{props.children}</label>
}

let nextAvatarUrl = 'http://tmp/avatar.jpeg'
/** What the next tap on an `openType="chooseAvatar"` Button reports as `detail.avatarUrl`. */
export function setChooseAvatarResult(url: string): void {
  nextAvatarUrl = url
}

let nextPhoneDetail: Record<string, unknown> = { errMsg: 'getPhoneNumber:ok', code: 'wx-phone-code' }
/** What the next tap on an `openType="getPhoneNumber"` Button reports as `detail` (e.g. `{ errMsg: 'getPhoneNumber:fail user deny' }`). */
export function setGetPhoneNumberResult(detail: Record<string, unknown>): void {
  nextPhoneDetail = detail
}

export function Button(props: Common & { disabled?: boolean; loading?: boolean; openType?: string; onChooseAvatar?: Handler; onGetPhoneNumber?: Handler; size?: string }) {
  const onClick = () => {
    if (props.openType === 'chooseAvatar' && props.onChooseAvatar) props.onChooseAvatar(taroEvent({ avatarUrl: nextAvatarUrl }, 'chooseavatar'))
    if (props.openType === 'getPhoneNumber' && props.onGetPhoneNumber) props.onGetPhoneNumber(taroEvent({ ...nextPhoneDetail }, 'getphonenumber'))
    props.onClick?.(taroEvent({}, 'tap'))
  }
  return (
    <button {...dom(props)} type='button' disabled={!!props.disabled} data-open-type={props.openType} data-loading={props.loading ? 'true' : undefined} onClick={onClick}>
      {props.children}
    </button>
  )
}

export function Input(props: Common & { value?: string; type?: string; placeholder?: string; onInput?: Handler; onBlur?: Handler; onConfirm?: Handler; disabled?: boolean }) {
  return (
    <input
      {...dom(props)}
      type={props.type === 'nickname' || !props.type ? 'text' : props.type}
      data-type={props.type}
      placeholder={props.placeholder}
      disabled={!!props.disabled}
      value={props.value ?? ''}
      onChange={e => props.onInput?.(taroEvent({ value: e.target.value }, 'input'))}
      onBlur={e => props.onBlur?.(taroEvent({ value: e.target.value }, 'blur'))}
    />
  )
}

export function Textarea(props: Common & { value?: string; maxlength?: number; placeholder?: string; disabled?: boolean; onInput?: Handler }) {
  return (
    <textarea
      {...dom(props)}
      value={props.value ?? ''}
      maxLength={props.maxlength}
      placeholder={props.placeholder}
      disabled={!!props.disabled}
      onChange={e => props.onInput?.(taroEvent({ value: e.target.value }, 'input'))}
    />
  )
}

export function Switch(props: Common & { checked?: boolean; disabled?: boolean; onChange?: Handler }) {
  return (
    <input {...dom(props)} type='checkbox' role='switch' checked={!!props.checked} disabled={!!props.disabled} onChange={e => props.onChange?.(taroEvent({ value: e.target.checked }, 'change'))} />
  )
}

export function Image(props: Common & { src?: string; mode?: string }) {
  return <img {...dom(props)} src={props.src} data-mode={props.mode} alt='' onClick={click(props.onClick)} />
}

/** Renders its children plus an <input data-testid="picker-<mode>">: change it to "pick" a value. */
export function Picker(props: Common & { mode?: string; value?: unknown; range?: unknown[]; start?: string; end?: string; onChange?: Handler }) {
  const mode = props.mode ?? 'selector'
  return (
    <div {...dom(props)} data-mode={mode} data-start={props.start} data-end={props.end}>
      {props.children}
      <input data-testid={`picker-${mode}`} defaultValue={props.value == null ? '' : String(props.value)} onChange={e => props.onChange?.(taroEvent({ value: e.target.value }, 'change'))} />
    </div>
  )
}

export function RadioGroup(props: Common & { onChange?: Handler }) {
  return (
    <div {...dom(props)} role='radiogroup' onChange={e => props.onChange?.(taroEvent({ value: (e.target as HTMLInputElement).value }, 'change'))}>
      {props.children}
    </div>
  )
}

export function Radio(props: Common & { value?: string; checked?: boolean; disabled?: boolean; color?: string }) {
  return <input {...dom(props)} type='radio' value={props.value} checked={!!props.checked} disabled={!!props.disabled} onChange={() => {}} />
}

/** A <canvas> with the Canvas props as data attributes; `type='2d'` nodes come back from createSelectorQuery. */
export function Canvas(props: Common & { type?: string; canvasId?: string }) {
  return <canvas {...dom(props)} data-type={props.type} data-canvas-id={props.canvasId} />
}

export function ScrollView(props: Common) {
  return <div {...dom(props)}>{props.children}</div>
}

export function Block(props: { children?: ReactNode }) {
  return <>{props.children}</>
}
