import type { ReactNode } from 'react'
import { Input, Text, View } from '@tarojs/components'

/** One labelled row of a console form; its error (the client's or the function's) right under it. */
export function Field(props: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <View id={`${props.id}-field`} className='cf-field'>
      <View className='m360-field'>
        <Text className='m360-field-label'>{props.label}</Text>
        <View className='m360-field-input'>{props.children}</View>
      </View>
      {props.hint ? (
        <Text id={`${props.id}-hint`} className='cf-hint'>
          {props.hint}
        </Text>
      ) : null}
      {props.error ? (
        <Text id={`${props.id}-error`} className='error-text cf-error'>
          {props.error}
        </Text>
      ) : null}
    </View>
  )
}

/** A text input inside a Field. */
export function TextInput(props: { id: string; value: string; placeholder?: string; maxlength?: number; disabled?: boolean; type?: 'text' | 'digit' | 'number'; onChange: (v: string) => void }) {
  return (
    <Input
      id={props.id}
      className='cf-input'
      value={props.value}
      type={props.type ?? 'text'}
      maxlength={props.maxlength ?? 40}
      placeholder={props.placeholder}
      disabled={props.disabled || undefined}
      onInput={e => props.onChange(e.detail.value)}
    />
  )
}

/** Chips for one choice (or several, `multi`): `aria-selected` says which are on. */
export function Chips<T extends string>(props: { id: string; options: ReadonlyArray<{ value: T; label: string }>; selected: readonly T[]; onToggle: (v: T) => void }) {
  return (
    <View id={props.id} className='console-chips cf-chips' role='listbox'>
      {props.options.map(o => {
        const on = props.selected.includes(o.value)
        return (
          <View
            key={o.value}
            id={`${props.id}-${o.value}`}
            className={`console-chip cf-chip ${on ? 'console-chip-on' : ''}`}
            role='option'
            aria-selected={on ? 'true' : 'false'}
            onClick={() => props.onToggle(o.value)}
          >
            {o.label}
          </View>
        )
      })}
    </View>
  )
}
