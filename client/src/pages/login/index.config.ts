export default definePageConfig({
  navigationBarTitleText: '本地登录',
})
