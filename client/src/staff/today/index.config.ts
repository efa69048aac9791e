export default definePageConfig({
  navigationBarTitleText: '今日流水',
})
