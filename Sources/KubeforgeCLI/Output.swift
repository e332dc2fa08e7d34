import Foundation

/// Every `print` of the commands goes straight to standard output, one write per call, so progress reaches a
/// pipe or a log file as it happens (`kubeforge up | tee up.log`, a CI log) instead of when a buffer fills or
/// the run ends. It shadows `Swift.print` in this module; no other module prints.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    FileHandle.standardOutput.write(Data(text.utf8))
}
