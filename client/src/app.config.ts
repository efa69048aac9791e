const pages = ['pages/index/index', 'pages/profile/index']

// 本地登录 (demo identities from the local gateway) exists only in the browser build.
if (process.env.TARO_ENV === 'h5') pages.push('pages/login/index')

export default defineAppConfig({
  pages,
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f5f7',
  },
})
