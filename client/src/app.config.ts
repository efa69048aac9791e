const pages = [
  'pages/index/index',
  'pages/profile/index',
  'pages/code/index',
  'pages/points/index',
  'pages/purchases/index',
  'pages/phone/index',
  'pages/privacy/index',
  'pages/privacy-policy/index',
  'pages/checkin/index',
  'pages/coupons/index',
  'pages/coupon/index',
  'pages/claim/index',
  'pages/mall/index',
  'pages/tasks/index',
  'pages/reminders/index',
]

// 本地登录 (demo identities from the local gateway) exists only in the browser build.
if (process.env.TARO_ENV === 'h5') pages.push('pages/login/index')

export default defineAppConfig({
  pages,
  // the till (scan, purchase, result, today, coupons, followups, care) is for staff only: a sub-package members never download
  subPackages: [
    {
      root: 'staff',
      pages: ['scan/index', 'purchase/index', 'result/index', 'today/index', 'coupons/index', 'followups/index', 'care/index'],
    },
    // 管理 (operator console) for brand admins and store managers only: members never download it
    {
      root: 'console',
      pages: ['home/index', 'member/index', 'segments/index', 'coupons/index', 'campaigns/index', 'reports/index', 'stores/index', 'settings/index', 'audit/index'],
    },
  ],
  // WeChat's privacy check (onNeedPrivacyAuthorization); on by default since 2023-10-17, Taro copies the key into app.json
  __usePrivacyCheck__: true,
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f5f7',
  },
})
