/**
 * 设置: the console edits each rule document through a form generated from its zod schema, without
 * shipping zod to the client: `settingsForm` answers the schema as JSON Schema (zod 4
 * `z.toJSONSchema`) and the current value; saving goes through the section's existing set action,
 * whose zod validation answers INVALID_ARGUMENT with `issues [{ path, message }]` for the form.
 *
 * What the JSON Schema carries (and the client's renderer relies on):
 * - labels: `.describe()` → `description`, `.meta({ title, description, enumLabels })` as they are;
 * - defaults: `io: 'input'` makes a field with `.default()` optional, with `default` set;
 * - records: `{ type: 'object', propertyNames, additionalProperties }` (no `properties`);
 * - nullable: `anyOf: [schema, { type: 'null' }]`;
 * - refinements (`.refine`, `.superRefine`) are not representable and are left out: the set action
 *   checks them and its issue paths name the field (or the array) they concern.
 */
import type { AdminActions } from './actions'
import { z } from 'zod'
import type { SettingsForm, SettingsSection } from '../../types/console'
import { BIRTHDAY_GIFT, CHECKIN_RULES, loadRules, POINT_RULES, REMINDER_CONFIG, TASK_RULES, TIER_LADDER } from '../shared/rules'

type Save = SettingsForm['save']

/** a rule document as shared/rules.ts declares it (collection, id, label, schema, defaults) */
type RuleDoc = Parameters<typeof loadRules>[0]

const SECTIONS: Record<SettingsSection, { doc: RuleDoc; save: Save }> = {
  points: { doc: POINT_RULES, save: { action: 'setPointRules', field: 'rules' } },
  checkin: { doc: CHECKIN_RULES, save: { action: 'setCheckinRules', field: 'rules' } },
  tasks: { doc: TASK_RULES, save: { action: 'setTaskRules', field: 'rules' } },
  tiers: { doc: TIER_LADDER, save: { action: 'setTierLadder', field: 'ladder' } },
  reminders: { doc: REMINDER_CONFIG, save: { action: 'setReminderConfig', field: 'config' } },
  birthday: { doc: BIRTHDAY_GIFT, save: { action: 'setBirthdayGiftRules', field: 'rules' } },
}

const jsonSchemas = new Map<SettingsSection, Record<string, unknown>>()

/** The section's JSON Schema, made once per cold start (the schemas do not change at run time). */
export function settingsJsonSchema(section: SettingsSection): Record<string, unknown> {
  let schema = jsonSchemas.get(section)
  if (!schema) {
    // input side: what the set action accepts; anything unrepresentable becomes {} (the form keeps its value as it is)
    schema = z.toJSONSchema(SECTIONS[section].doc.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
    jsonSchemas.set(section, schema)
  }
  return schema
}

export const adminSettingsActions: Pick<AdminActions, 'settingsForm'> = {
  async settingsForm(event): Promise<SettingsForm> {
    const { doc, save } = SECTIONS[event.section]
    const stored = await loadRules(doc)
    return { section: event.section, title: doc.label, save, schema: settingsJsonSchema(event.section), value: stored.rules, isDefault: stored.isDefault, updatedAt: stored.updatedAt }
  },
}
