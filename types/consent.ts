import { z } from 'zod'

/**
 * 用户隐私保护指引 and the member's consent to it (PIPL; WeChat's privacy check). The guide lives in
 * `settings/privacyPolicy` (set by a brand admin; DEFAULT_PRIVACY_POLICY until then). A member's
 * consent names the version agreed to: a guide with a new version is asked for again.
 */

/** A short label such as `1.0` or `2026-03`: what a consent record names. */
export const privacyPolicyVersion = z
  .string()
  .trim()
  .regex(/^[\w.-]{1,32}$/, '版本号为 1–32 位字母、数字、点、横线或下划线')

export const PrivacyPolicySectionSchema = z
  .object({
    heading: z.string().trim().min(1, '请填写小标题').max(40, '小标题最多 40 个字'),
    body: z.string().trim().min(1, '请填写正文').max(3000, '每节正文最多 3000 字'),
  })
  .strict()

export const PrivacyPolicySchema = z
  .object({
    /** a new version asks every member again; the same version with edited text does not (a typo fix) */
    version: privacyPolicyVersion,
    title: z.string().trim().min(2, '标题至少 2 个字').max(40, '标题最多 40 个字'),
    /** what the consent dialog shows before the full text */
    summary: z.string().trim().min(10, '摘要至少 10 个字').max(300, '摘要最多 300 字'),
    sections: z.array(PrivacyPolicySectionSchema).min(1, '至少一节').max(30, '最多 30 节'),
  })
  .strict()
export type PrivacyPolicy = z.infer<typeof PrivacyPolicySchema>

export const DEFAULT_PRIVACY_POLICY: PrivacyPolicy = {
  version: '1.0',
  title: '用户隐私保护指引',
  summary:
    '为提供会员积分、优惠券、签到和消费记录等服务，我们会处理你的昵称、头像、手机号、生日、消费与积分记录等信息。请阅读《用户隐私保护指引》了解我们收集哪些信息、为什么收集、保存多久、由谁处理，以及你如何查看、导出、删除信息和撤回同意。',
  sections: [
    {
      heading: '适用范围与处理者',
      body: '本指引适用于本品牌的「会员中心」小程序及其网页版。你的个人信息由本品牌（下称“我们”）作为个人信息处理者负责处理。数据保存在我们使用的腾讯云开发（CloudBase）云服务中，腾讯云受我们委托提供服务器、数据库与文件存储，不为自身目的使用你的信息。',
    },
    {
      heading: '我们收集的信息及用途',
      body: '1. 微信身份标识（OpenID）：识别你的会员账号，不向店员展示。\n2. 昵称、头像：展示你的会员资料，由你自行填写或选择，可随时修改。\n3. 手机号：确认会员身份，合并你在门店、线上商城和历史记录中的消费与积分；店员只能看到打码后的号码。\n4. 生日、性别（选填）：发放生日礼遇，提供更合适的权益。\n5. 消费记录（门店、时间、金额、商品）：计算积分、成长值和会员等级，供你查询消费记录。\n6. 积分、优惠券、签到记录：发放、使用和核销会员权益。\n7. 订阅消息选择：只在你允许的范围内发送积分到期、优惠券到期、签到等提醒。\n8. 浏览和点击记录（看过、点过哪些商品）：改进“为你推荐”的内容。\n9. 满意度评价：你主动提交的评分和意见，用于改进门店服务。',
    },
    {
      heading: '需要你授权的手机功能',
      body: '更换头像时，我们只读取你选择或拍摄的那一张图片；绑定手机号时，经你点击确认后通过微信获取你的手机号；你点击“复制”时，我们才把内容写入剪贴板，我们不读取你的剪贴板。使用这些功能前，我们会先请你同意本指引。',
    },
    {
      heading: '保存期限',
      body: '在你的会员账号存续期间，我们保存上述信息。你注销账号后，我们立即删除昵称、头像（含图片文件）、手机号、生日等个人资料；为保证门店账目和税务记录准确，去除身份信息后的积分与消费流水会按法律法规要求的期限保留。',
    },
    {
      heading: '共享与对外提供',
      body: '我们不出售你的个人信息。为提供服务，门店店员在为你结账、核销优惠券时可看到你的会员号、昵称、打码手机号、积分和可用优惠券；微信提供登录、手机号快速验证和订阅消息服务；腾讯云按我们的委托提供云服务。除法律法规要求外，我们不会向其他第三方提供你的个人信息。',
    },
    {
      heading: '你的权利',
      body: '查看与更正：在「编辑资料」中查看和修改昵称、头像、生日、性别和手机号。\n导出：在「隐私与账号」中点击“导出我的数据”，获得我们保存的关于你的全部信息。\n删除：在「隐私与账号」中点击“注销账号”，删除你的个人资料。\n撤回同意：在「隐私与账号」中点击“撤回同意”。撤回后，使用头像、手机号、剪贴板等功能前我们会再次征求你的同意；撤回不影响撤回前基于你的同意已进行的处理。\n关闭提醒：在「提醒设置」中随时关闭各类消息提醒。',
    },
    {
      heading: '未成年人',
      body: '如果你未满 14 周岁，请在父母或其他监护人阅读并同意本指引后使用本小程序。',
    },
    {
      heading: '指引的更新',
      body: '本指引内容有实质变化时，我们会更新版本号，并在你下次使用相关功能前再次请你阅读并同意。',
    },
    {
      heading: '联系我们',
      body: '如对本指引或你的个人信息有任何疑问、意见或投诉，请联系任一门店或通过小程序客服联系我们，我们将在 15 个工作日内答复。',
    },
  ],
}

/** `settings/privacyPolicy`: read and written through cloudfunctions/shared/rules.ts loadRules / saveRules. */
export const PRIVACY_POLICY_SETTING = {
  collection: 'settings' as const,
  id: 'privacyPolicy',
  setAction: 'setPrivacyPolicy',
  label: '隐私保护指引',
  schema: PrivacyPolicySchema,
  defaults: DEFAULT_PRIVACY_POLICY,
}

export const ConsentMemberActions = {
  /** the current guide and the caller's consent (readable before sign-up: consent null) */
  privacyPolicy: z.object({ action: z.literal('privacyPolicy') }).strict(),
  /** `version`: the guide the member read; must be the current one (else FAILED_PRECONDITION) */
  agreePrivacy: z.object({ action: z.literal('agreePrivacy'), version: privacyPolicyVersion }).strict(),
  withdrawPrivacy: z.object({ action: z.literal('withdrawPrivacy') }).strict(),
}

export const ConsentAdminActions = {
  getPrivacyPolicy: z.object({ action: z.literal('getPrivacyPolicy') }).strict(),
  setPrivacyPolicy: z.object({ action: z.literal('setPrivacyPolicy'), policy: PrivacyPolicySchema }).strict(),
}

/** `members.privacyConsent` as stored (absent or null: never agreed, or withdrawn). */
export interface StoredPrivacyConsent {
  version: string
  agreedAt: Date
}

export interface PrivacyConsentView {
  version: string
  /** ISO */
  agreedAt: string
}

/** What `member.login` says about consent: enough for the client to know whether to ask. */
export interface PrivacyState {
  version: string
  upToDate: boolean
}

export interface ConsentOutputs {
  privacyPolicy: {
    policy: PrivacyPolicy
    /** when an admin last set it (ISO); null for the default */
    updatedAt: string | null
    consent: PrivacyConsentView | null
    /** the last withdrawal (ISO), if any */
    withdrawnAt: string | null
    /** the consent names the current version */
    upToDate: boolean
  }
  /** `replayed`: the member had already agreed to this version; nothing written */
  agreePrivacy: { consent: PrivacyConsentView; upToDate: true; replayed: boolean }
  /** `changed: false`: there was no consent to withdraw; nothing written */
  withdrawPrivacy: { consent: null; upToDate: false; withdrawnAt: string | null; changed: boolean }
}

export interface PrivacyAdminOutputs {
  getPrivacyPolicy: { policy: PrivacyPolicy; isDefault: boolean; updatedAt: string | null }
  /** `versionChanged`: members who agreed to the previous version are asked again */
  setPrivacyPolicy: { policy: PrivacyPolicy; versionChanged: boolean }
}
