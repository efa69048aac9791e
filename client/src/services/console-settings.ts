import type { SettingsForm, SettingsSection } from '../../../types/console'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

/**
 * 设置 (brand admins): `admin.settingsForm` answers a rule document's JSON Schema and value; saving
 * calls the section's own set action (`form.save`) with the value under its event field, and an
 * INVALID_ARGUMENT answer's `issues` name the field (`rules.storeMultipliers.x`).
 */
export const settingsApi = {
  form(section: SettingsSection): Promise<Result<SettingsForm>> {
    return callFunction('admin', { action: 'settingsForm', section })
  },
  save(save: SettingsForm['save'], value: unknown): Promise<Result<{ rules: unknown }>> {
    return callFunction('admin', { action: save.action, [save.field]: value })
  },
}
