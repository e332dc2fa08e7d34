import KubeforgeCLI

@main
enum Entrypoint {
    static func main() async {
        await Kubeforge.runMain()
    }
}
