import Testing
import KubeAPI

struct KubeAPISmokeTests {
    @Test func requestsCarryClientGosTimeout() {
        #expect(KubeAPI.requestTimeout == "10s")
    }
}
