export default definePageConfig({
  navigationBarTitleText: '任务与邀请',
  // useShareAppMessage needs this in Taro: the 邀请好友 share card
  enableShareAppMessage: true,
})
